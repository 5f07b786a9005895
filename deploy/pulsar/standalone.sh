#!/bin/sh
# Pulsar standalone with token authentication and authorization (compose.yml's `pulsar`):
# the image's configuration plus deploy/pulsar/auth.conf plus the two secrets from the
# environment (.env), written to files only this user reads. Later keys win in a properties
# file, so the stock values are overridden without editing the image's conf/.
set -eu
: "${PULSAR_TOKEN_SECRET_KEY:?PULSAR_TOKEN_SECRET_KEY is not set: run scripts/broker-tokens}"
: "${PULSAR_ADMIN_TOKEN:?PULSAR_ADMIN_TOKEN is not set: run scripts/broker-tokens}"
umask 077
dir=${ALPES_PULSAR_CONF_DIR:-/tmp/alpes-pulsar}
mkdir -p "$dir"
{
    cat conf/standalone.conf
    echo
    cat "$(dirname "$0")/auth.conf"
    echo "tokenSecretKey=data:;base64,$PULSAR_TOKEN_SECRET_KEY"
    echo "brokerClientAuthenticationParameters=token:$PULSAR_ADMIN_TOKEN"
} >"$dir/standalone.conf"
# pulsar-admin (the healthcheck) reads PULSAR_CLIENT_CONF, set to this file in compose.yml
{
    cat conf/client.conf
    echo
    echo "authPlugin=org.apache.pulsar.client.impl.auth.AuthenticationToken"
    echo "authParams=token:$PULSAR_ADMIN_TOKEN"
} >"$dir/client.conf"
export PULSAR_STANDALONE_CONF="$dir/standalone.conf"
exec bin/pulsar standalone --no-functions-worker --no-stream-storage
