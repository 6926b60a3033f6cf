#!/usr/bin/env bash
# Access-token signatures and verifications per second per algorithm, one thread, on one or more
# JDKs, through the service's own signing code and jose4j, with the JDK's providers and
# then with AWS-LC (Amazon Corretto Crypto Provider) registered first, as the service does at start.
#   bench/signing.sh [SECONDS] [JAVA_HOME ...]    default: 3 s, the default java and Temurin 25 if present
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}; shift || true
homes=("$@")
if [[ ${#homes[@]} -eq 0 ]]; then
  homes=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] && homes+=(/usr/lib/jvm/temurin-25-jdk-amd64)
fi
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
for home in "${homes[@]}"; do
  "$home/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" \
    io.authservice.bench.SigningBenchmark "$seconds"
  echo
done
