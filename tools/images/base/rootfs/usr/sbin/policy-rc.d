#!/bin/sh
# No init system runs in a container: package scripts must not start services.
exit 101
