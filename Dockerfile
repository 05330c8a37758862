# Atelier in a container: one binary (the browser client is compiled into it), its
# store in a volume, a non-root user.
#
#   docker build -t atelier .
#   docker run -d --name atelier -p 127.0.0.1:8080:8080 \
#       -e ATELIER_PUBLIC_URL=https://atelier.example.org \
#       -v atelier-data:/var/lib/atelier atelier
#
# Put a TLS reverse proxy in front (deploy/nginx.conf, deploy/Caddyfile) and give the
# container ATELIER_TRUST_FORWARDED_FOR=true then. deploy/compose.yaml does all this.
# Administration runs the same binary: `docker exec atelier atelier backup
# /var/lib/atelier/backup.db` (see `atelier --help`).

# --- Build: the wasm client into dist/, then the server with dist/ inside it. -------
FROM rust:1.95-bookworm AS builder

# npm fetches binaryen's wasm-opt at the version locked in xtask/wasm-opt/ (without it
# the bundle still works, only larger).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown

WORKDIR /src
COPY . .
# `.git` stays out of the image: name the commit for `atelier --version` with
# `docker build --build-arg ATELIER_COMMIT=$(git rev-parse --short=12 HEAD) …`.
ARG ATELIER_COMMIT=unknown
ENV ATELIER_COMMIT=${ATELIER_COMMIT}

# The caches keep the registry and the build between image builds; the binary is
# copied out of them, since a cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo xtask dist \
    && cargo build --release --locked -p atelier-server \
    && install -m 0755 target/release/atelier /usr/local/bin/atelier

# --- Run: Debian slim, the binary, nothing else. -------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 atelier \
    && useradd --system --uid 10001 --gid atelier --no-create-home \
        --home-dir /var/lib/atelier --shell /usr/sbin/nologin atelier \
    && install -d -m 0700 -o atelier -g atelier /var/lib/atelier

COPY --from=builder /usr/local/bin/atelier /usr/local/bin/atelier

# A new named volume takes the ownership and mode of this directory. A bind mount
# must be writable by uid 10001: `chown 10001:10001 DIR` on the host.
VOLUME /var/lib/atelier
ENV ATELIER_ADDR=0.0.0.0:8080 \
    ATELIER_DATA_DIR=/var/lib/atelier
USER 10001:10001
WORKDIR /var/lib/atelier
EXPOSE 8080

# `atelier health` GETs http://127.0.0.1:8080/api/health (the image has no curl). If
# ATELIER_ADDR moves to another port, override this with `--url`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/atelier", "health"]

# SIGTERM (docker stop): the server tells every browser to reconnect (close 1001),
# finishes its writes and exits 0. Give it the time: `docker stop -t 30`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/atelier"]
