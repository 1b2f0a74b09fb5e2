"""The daily incident summary: report text, map and incident annex."""
