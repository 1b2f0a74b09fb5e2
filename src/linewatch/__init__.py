"""linewatch: the data pipeline of a civilian ceasefire-monitoring mission."""

__version__ = "0.1.0"
