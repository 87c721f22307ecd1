FROM alpine:3.20 AS cache
RUN mkdir -p /cache

FROM alpine:3.20
RUN --mount=type=bind,from=cache,source=/cache,target=/c \
    --mount=type=cache,target=/root/.cache \
    ls /c
RUN --mount=type=bind,from=busybox:1.36,target=/bb /bb/bin/true
