# Captured with the engine's BuildKit (see buildkit-trace.test.ts): stage names, numbering, logs.
FROM layerscope-fixture/busybox:1 AS base
WORKDIR /w
ENV GREETING=hello
RUN echo "$GREETING from the trace fixture" && echo "to stderr" >&2 && printf 'no newline at end'

FROM base AS fails
RUN echo about to fail && exit 7

FROM layerscope-fixture/busybox:1
COPY --from=base /w /w
RUN dd if=/dev/zero of=/w/blob bs=1024 count=2
