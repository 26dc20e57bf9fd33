# Build:  docker build -t earlyhelp .
# Run:    see docker-compose.yml (needs DATABASE_URL and EARLYHELP_JWT_SECRET).

FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p earlyhelp --locked \
    && install -m 0755 target/release/earlyhelp /usr/local/bin/earlyhelp

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 earlyhelp \
    && useradd --system --uid 10001 --gid earlyhelp --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin earlyhelp
COPY --from=builder /usr/local/bin/earlyhelp /usr/local/bin/earlyhelp
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh /usr/local/bin/earlyhelp
USER 10001:10001
EXPOSE 8080
# Migrates, seeds the demo data when EARLYHELP_SEED_DEMO=1, then serves on
# 0.0.0.0:8080. With arguments, runs `earlyhelp ARGS...` instead.
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
