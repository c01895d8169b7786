#!/usr/bin/env bash
# kafka-server-start.sh server.properties [--override k=v ...]: the broker in the foreground.
if [ "$#" -lt 1 ]; then
    echo "usage: $(basename "$0") server.properties [--override property=value]..." >&2
    exit 2
fi
home="${KAFKA_HOME:-/opt/kafka}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m}"
# C1 only and the serial collector: about a third faster to start on two cores, and a
# test broker is rarely CPU-bound. Override with KAFKA_JVM_PERFORMANCE_OPTS.
export KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$home/config/log4j2.properties}"
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"
