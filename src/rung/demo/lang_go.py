"""Go services: Gin or chi, go.mod + go.sum, golang-migrate migrations."""

from __future__ import annotations

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_BASE = {
    "gin": [("github.com/gin-gonic/gin", "v1.10.0")],
    "chi": [("github.com/go-chi/chi/v5", "v5.0.12")],
}
_FEATURE_DEPS = {
    "obs.metrics": [("github.com/prometheus/client_golang", "v1.19.1")],
    "obs.structured_logging": [("go.uber.org/zap", "v1.27.0")],
    "obs.tracing": [
        ("go.opentelemetry.io/otel", "v1.27.0"),
        ("go.opentelemetry.io/otel/sdk", "v1.27.0"),
    ],
    "obs.error_tracking": [("github.com/getsentry/sentry-go", "v0.28.0")],
    "resilience.patterns": [("github.com/sony/gobreaker", "v1.0.0")],
    "tests.contract": [("github.com/pact-foundation/pact-go/v2", "v2.0.5")],
    "tests.integration": [("github.com/testcontainers/testcontainers-go", "v0.31.0")],
    "db.postgres": [("github.com/jackc/pgx/v5", "v5.6.0")],
    "db.mysql": [("github.com/go-sql-driver/mysql", "v1.8.1")],
    "db.mongodb": [("go.mongodb.org/mongo-driver", "v1.15.0")],
    "db.redis": [("github.com/redis/go-redis/v9", "v9.5.2")],
    "db.migrations": [("github.com/golang-migrate/migrate/v4", "v4.17.1")],
}
_INDIRECT = [("golang.org/x/net", "v0.25.0"), ("golang.org/x/sys", "v0.20.0")]


def _go_mod(ctx: Ctx, deps: list[tuple[str, str]]) -> str:
    lines = [f"module github.com/example-shop/{ctx.name}", "", "go 1.22", "", "require ("]
    lines += [f"\t{m} {v}" for m, v in deps] + [")", "", "require ("]
    lines += [f"\t{m} {v} // indirect" for m, v in _INDIRECT] + [")", ""]
    return "\n".join(lines)


def _go_sum(deps: list[tuple[str, str]]) -> str:
    out = []
    for mod, ver in sorted(deps + _INDIRECT):
        out.append(f"{mod} {ver} h1:{kit.b64(mod, ver)}")
        out.append(f"{mod} {ver}/go.mod h1:{kit.b64(mod, ver, 'mod')}")
    return "\n".join(out) + "\n"


def _main(ctx: Ctx) -> str:
    gin = ctx.variant == "gin"
    imp = '"github.com/gin-gonic/gin"' if gin else '"github.com/go-chi/chi/v5"'
    std = [] if gin else ['\t"net/http"', ""]
    lines = ["package main", "", "import (", *std, f"\t{imp}"]
    lines += [f'\t"github.com/example-shop/{ctx.name}/internal/handlers"', ")", "", "func main() {"]
    lines.append("\tr := gin.Default()" if gin else "\tr := chi.NewRouter()")
    if ctx.has("obs.health_endpoint"):
        lines.append(
            '\tr.GET("/health", handlers.Health)' if gin else '\tr.Get("/healthz", handlers.Health)'
        )
    route = f"/api/v1/{ctx.name}"
    lines.append(
        f'\tr.GET("{route}", handlers.List)' if gin else f'\tr.Get("{route}", handlers.List)'
    )
    serve = f'\t_ = r.Run(":{ctx.port}")' if gin else f'\t_ = http.ListenAndServe(":{ctx.port}", r)'
    lines += [serve, "}", ""]
    return "\n".join(lines)


def _handlers(ctx: Ctx) -> str:
    if ctx.variant == "gin":
        sig, ok = "c *gin.Context", 'c.JSON(http.StatusOK, gin.H{"status": "ok"})'
        lst = f'c.JSON(http.StatusOK, []string{{"{ctx.name}-1"}})'
        imp = '\t"net/http"\n\n\t"github.com/gin-gonic/gin"\n'
    else:
        sig, ok = "w http.ResponseWriter, r *http.Request", 'w.Write([]byte(`{"status":"ok"}`))'
        lst = f'w.Write([]byte(`["{ctx.name}-1"]`))'
        imp = '\t"net/http"\n'
    return (
        f"package handlers\n\nimport (\n{imp})\n\n"
        f"// Health answers the liveness probe.\nfunc Health({sig}) {{\n\t{ok}\n}}\n\n"
        f"// List returns the {ctx.name}.\nfunc List({sig}) {{\n\t{lst}\n}}\n"
    )


def _tests(ctx: Ctx) -> dict[str, str]:
    return {
        "internal/handlers/handlers_test.go": f"""package handlers

import "testing"

func TestList{ctx.camel}(t *testing.T) {{
	if testing.Short() {{
		t.Skip("short mode")
	}}
}}
"""
    }


def _integration(ctx: Ctx) -> dict[str, str]:
    return {
        "test/integration/api_test.go": f"""//go:build integration

package integration

import "testing"

func Test{ctx.camel}API(t *testing.T) {{
	t.Log("runs against a postgres testcontainer")
}}
"""
    }


def _contract(ctx: Ctx) -> dict[str, str]:
    return {
        "test/contract/pricing_consumer_test.go": f"""package contract

import (
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
)

func TestPricingContract(t *testing.T) {{
	_, _ = consumer.NewV4Pact(consumer.MockHTTPProviderConfig{{
		Consumer: "{ctx.name}",
		Provider: "pricing",
	}})
}}
"""
    }


def _migrations(ctx: Ctx) -> dict[str, str]:
    return {
        f"migrations/000001_create_{ctx.ident}.up.sql": (
            f"CREATE TABLE {ctx.ident} (\n"
            "    id BIGSERIAL PRIMARY KEY,\n"
            "    payload JSONB NOT NULL\n"
            ");\n"
        ),
        f"migrations/000001_create_{ctx.ident}.down.sql": f"DROP TABLE {ctx.ident};\n",
    }


def go_kit(ctx: Ctx) -> KitResult:
    deps = kit.pick_deps(ctx, _BASE[ctx.variant], _FEATURE_DEPS)
    f = Files()
    src = {
        "go.mod": _go_mod(ctx, deps),
        "cmd/server/main.go": _main(ctx),
        "internal/handlers/handlers.go": _handlers(ctx),
    }
    for i in range(ctx.modules):
        src[f"internal/domain/part{i}.go"] = (
            "package domain\n"
            "\n"
            f"// Part{i} is a piece of the {ctx.name} domain.\n"
            f"type Part{i} struct {{\n"
            "\tID string\n"
            f"}}\n"
        )
    f.add(0, kit.INITIAL, src)
    f.when(ctx.has("security.lockfile"), 1, kit.LOCK, lambda: {"go.sum": _go_sum(deps)})
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: _tests(ctx))
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: _integration(ctx))
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: _contract(ctx))
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: _migrations(ctx))
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    lint = "linters:\n  enable:\n    - govet\n    - staticcheck\n    - errcheck\n"
    f.when(ctx.has("quality.linter"), 2, kit.LINT, lambda: {".golangci.yml": lint})
    tool = Toolchain(
        language="Go",
        framework="Gin" if ctx.variant == "gin" else "chi",
        install="go mod download",
        run="go run ./cmd/server",
        test="go test ./...",
        coverage="go test -race -coverprofile=coverage.out ./...",
        ci_setup="      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n",
        docker=(
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.* ./\nRUN go mod download\n"
            "COPY . .\nRUN CGO_ENABLED=0 go build -o /out/server ./cmd/server\n\n"
            "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/server /server\n"
            f"EXPOSE {ctx.port}\n"
        ),
        cmd='ENTRYPOINT ["/server"]',
        ignore=(".git", "bin", "coverage.out"),
    )
    return KitResult(f.files, ["cmd/server/main.go", "internal/handlers/handlers.go"], tool)
