#!/bin/sh
# `helm hop ARGS...` runs `kubehop ARGS...` with the environment Helm gives plugins (HELM_NAMESPACE,
# HELM_KUBECONTEXT, KUBECONFIG, HELM_DRIVER, HELM_DRIVER_SQL_CONNECTION_STRING), which kubehop reads
# as its defaults. kubehop is $KUBEHOP (a path to the executable), else `kubehop` on PATH.
kubehop=${KUBEHOP:-kubehop}
if ! command -v "$kubehop" >/dev/null 2>&1; then
  echo "helm hop: kubehop not found (install it, e.g. pip install kubehop, or set KUBEHOP to its path)" >&2
  exit 1
fi
exec "$kubehop" "$@"
