# escape=`
from alpine:3.20
run <<EOF
apk add --no-cache curl
echo done
EOF
Copy <<CONF /etc/app.conf
key=value
CONF
RUN echo one `
  two
