ARG BASE=node
ARG VERSION
ARG VARIANT=slim
FROM --platform=linux/amd64 ${BASE}:${VERSION:-20}-${VARIANT} AS app
ARG VARIANT
RUN echo $VARIANT
FROM $BASE
COPY --from=app /x /y
