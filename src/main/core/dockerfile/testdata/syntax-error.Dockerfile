RUN echo too early
FROM alpine:3.20 AS one
FROBNICATE all the things
COPY onlyone
FROM alpine AS One
COPY --from=later /a /b
FROM alpine AS later
