# One image for the four services: `alpes serve <service>` picks which one runs.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY faststream_pulsar ./faststream_pulsar
COPY contracts ./contracts
COPY alpes ./alpes
COPY afiliaciones_svc ./afiliaciones_svc
COPY marca_svc ./marca_svc
COPY influencer_svc ./influencer_svc
COPY tracking_svc ./tracking_svc
RUN pip install --no-cache-dir .
USER nobody
ENTRYPOINT ["alpes", "serve"]
