#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARGS...]: runs a class with every jar of /opt/kafka/libs on the
# class path. KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS and KAFKA_OPTS
# are passed to the JVM (split on spaces); the defaults suit short-lived command-line tools.
set -euo pipefail
if [ "$#" -lt 1 ]; then
    echo "usage: $(basename "$0") CLASS [ARGS...]" >&2
    exit 2
fi
home="${KAFKA_HOME:-/opt/kafka}"
# shellcheck disable=SC2206
jvm=(${KAFKA_HEAP_OPTS:--Xmx256m}
     ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}
     ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$home/config/tools-log4j2.properties}
     ${KAFKA_OPTS:-})
# The class-data-sharing archive made at build time (see /etc/kafka/docker/make-cds-archive);
# KAFKA_CDS=off leaves it out. A JVM that cannot use it carries on without it.
if [ -s "$home/kafka.jsa" ] && [ "${KAFKA_CDS:-on}" != off ]; then
    jvm+=(-XX:SharedArchiveFile="$home/kafka.jsa" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
exec java "${jvm[@]}" -cp "$home/libs/*${CLASSPATH:+:$CLASSPATH}" "$@"
