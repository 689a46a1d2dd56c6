#!/bin/sh
# One database and one login role per subgraph (least privilege): each role owns its
# own database and can connect to no other.
set -eu
for name in victims shelters embassies repatriation; do
  var=$(echo "${name}_DB_PASSWORD" | tr '[:lower:]' '[:upper:]')
  eval password=\${$var}
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE ${name}_app LOGIN PASSWORD '${password}';
CREATE DATABASE ${name} OWNER ${name}_app;
REVOKE ALL ON DATABASE ${name} FROM PUBLIC;
SQL
done
