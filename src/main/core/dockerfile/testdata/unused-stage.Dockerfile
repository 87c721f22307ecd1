FROM alpine:3.20 AS base
RUN echo base

FROM base AS test
RUN echo testing

FROM base AS release
RUN echo release

FROM release
COPY --from=0 /etc/hostname /h
