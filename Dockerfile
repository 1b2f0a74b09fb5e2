# linewatch on the official Airflow image. Used by docker-compose.yml for every Airflow service.
#   docker build -t linewatch-airflow .
FROM apache/airflow:3.3.2-python3.11

# The project lives in /opt/linewatch and is installed editable: the package finds sql/, config/ and
# sample_data/ relative to its own source tree (linewatch.settings.PROJECT_ROOT), not in site-packages.
USER root
RUN mkdir -p /opt/linewatch/reports /opt/airflow/auth \
    && chown -R airflow:0 /opt/linewatch /opt/airflow/auth \
    && chmod -R g+rwX /opt/linewatch /opt/airflow/auth
USER airflow
WORKDIR /opt/linewatch

# Dependencies first, so that editing SQL, config or DAGs does not reinstall them.
# requirements.lock pins the whole tree; apache-airflow is held at the image's version so pip never swaps
# it; the celery provider is needed only by the `celery` compose profile (CeleryExecutor).
COPY --chown=airflow:0 pyproject.toml requirements.lock ./
COPY --chown=airflow:0 src/ src/
RUN pip install --no-cache-dir -c requirements.lock \
        "apache-airflow==${AIRFLOW_VERSION}" \
        apache-airflow-providers-celery \
        -e .

COPY --chown=airflow:0 sql/ sql/
COPY --chown=airflow:0 config/ config/
COPY --chown=airflow:0 sample_data/ sample_data/
COPY --chown=airflow:0 dags/ dags/

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/linewatch/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False

WORKDIR /opt/airflow
