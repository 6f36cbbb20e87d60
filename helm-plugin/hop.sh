#!/bin/sh
# helm hop ARGS... runs kubehop ARGS..., found on PATH or in $KUBEHOP (a path to the kubehop executable).
exec "${KUBEHOP:-kubehop}" "$@"
