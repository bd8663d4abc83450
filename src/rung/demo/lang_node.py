"""Node services: Express in TypeScript, package.json + package-lock.json, Knex migrations."""

from __future__ import annotations

import json

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_BASE = [("express", "4.19.2"), ("dotenv", "16.4.5")]
_FEATURE_DEPS = {
    "obs.metrics": [("prom-client", "15.1.2")],
    "obs.structured_logging": [("pino", "9.1.0")],
    "obs.tracing": [("@opentelemetry/sdk-node", "0.51.1"), ("@opentelemetry/api", "1.8.0")],
    "obs.error_tracking": [("@sentry/node", "8.7.0")],
    "resilience.patterns": [("opossum", "8.1.4")],
    "db.postgres": [("pg", "8.11.5")],
    "db.mysql": [("mysql2", "3.10.0")],
    "db.mongodb": [("mongoose", "8.4.1")],
    "db.redis": [("ioredis", "5.4.1")],
    "db.migrations": [("knex", "3.1.0")],
}
_DEV_BASE = [("typescript", "5.4.5"), ("ts-node", "10.9.2"), ("@types/express", "4.17.21")]
_DEV_DEPS = {
    "tests.present": [("jest", "29.7.0"), ("ts-jest", "29.1.4"), ("supertest", "7.0.0")],
    "tests.contract": [("@pact-foundation/pact", "12.5.0")],
    "quality.linter": [("eslint", "8.57.0"), ("prettier", "3.3.0")],
}


def _package_json(ctx: Ctx, deps: list[tuple[str, str]], dev: list[tuple[str, str]]) -> str:
    scripts = {"build": "tsc", "start": "node dist/server.js", "dev": "ts-node src/server.ts"}
    if ctx.has("tests.present"):
        scripts["test"] = "jest"
    if ctx.has("quality.linter"):
        scripts["lint"] = "eslint 'src/**/*.ts'"
    if ctx.migrates:
        scripts["migrate"] = "knex migrate:latest"
    caret = "^" if not ctx.has("security.lockfile") else ""
    doc = {
        "name": ctx.name,
        "version": "1.0.0",
        "private": True,
        "main": "dist/server.js",
        "scripts": scripts,
        "dependencies": {n: caret + v for n, v in deps},
        "devDependencies": {n: caret + v for n, v in dev},
        "engines": {"node": ">=20"},
    }
    return json.dumps(doc, indent=2) + "\n"


def _lock(ctx: Ctx, deps: list[tuple[str, str]], dev: list[tuple[str, str]]) -> str:
    packages: dict[str, object] = {
        "": {
            "name": ctx.name,
            "version": "1.0.0",
            "dependencies": dict(deps),
            "devDependencies": dict(dev),
        }
    }
    for name, ver in sorted(deps + dev):
        entry: dict[str, object] = {
            "version": ver,
            "resolved": f"https://registry.npmjs.org/{name}/-/{name.split('/')[-1]}-{ver}.tgz",
            "integrity": "sha512-" + kit.b64(name, ver, size=64),
        }
        if (name, ver) in dev:
            entry["dev"] = True
        packages[f"node_modules/{name}"] = entry
    doc = {
        "name": ctx.name,
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": packages,
    }
    return json.dumps(doc, indent=2) + "\n"


def _app(ctx: Ctx) -> str:
    lines = ["import express from 'express';"]
    if ctx.has("obs.structured_logging"):
        lines.append("import pino from 'pino';")
    lines += [
        f"import {{ list{ctx.camel} }} from './service';",
        "",
        "export const app = express();",
    ]
    if ctx.has("obs.structured_logging"):
        lines.append("export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });")
    lines.append("")
    if ctx.has("obs.health_endpoint"):
        lines += ["app.get('/ready', (_req, res) => {", "  res.json({ status: 'ok' });", "});", ""]
    lines += [f"app.get('/api/v1/{ctx.name}', async (_req, res) => {{"]
    lines += [f"  res.json(await list{ctx.camel}());", "});", ""]
    return "\n".join(lines)


def _service(ctx: Ctx) -> str:
    return (
        f"export interface Item {{\n  id: number;\n  name: string;\n}}\n\n"
        f"export async function list{ctx.camel}(): Promise<Item[]> {{\n"
        f"  return [{{ id: 1, name: '{ctx.name}-sample' }}];\n}}\n"
    )


def _tests(ctx: Ctx) -> dict[str, str]:
    return {
        "test/app.test.ts": f"""import request from 'supertest';
import {{ app }} from '../src/app';

describe('GET /api/v1/{ctx.name}', () => {{
  it('answers 200', async () => {{
    await request(app).get('/api/v1/{ctx.name}').expect(200);
  }});
}});
""",
        "jest.config.js": "module.exports = {\n  preset: 'ts-jest',\n  testEnvironment: 'node',\n"
        + (
            "  collectCoverage: true,\n  coverageReporters: ['lcov', 'text'],\n"
            if ctx.has("tests.coverage")
            else ""
        )
        + "};\n",
    }


def _integration(ctx: Ctx) -> dict[str, str]:
    return {
        f"test/integration/{ctx.name}.db.test.ts": f"""describe('{ctx.name} repository', () => {{
  it('stores and reads back', async () => {{
    expect(process.env.DATABASE_URL).toBeDefined();
  }});
}});
"""
    }


def _contract(ctx: Ctx) -> dict[str, str]:
    return {
        "test/contract/pricing.pact.test.ts": f"""import {{ PactV3 }} from '@pact-foundation/pact';

const provider = new PactV3({{ consumer: '{ctx.name}', provider: 'pricing' }});

describe('pricing contract', () => {{
  it('returns a price', () => {{
    provider
      .uponReceiving('a price request')
      .withRequest({{ method: 'GET', path: '/api/v1/prices/42' }});
  }});
}});
"""
    }


def _migrations(ctx: Ctx) -> dict[str, str]:
    return {
        "knexfile.ts": (
            "export default {\n"
            "  client: 'pg',\n"
            "  connection: process.env.DATABASE_URL,\n"
            "  migrations: { directory: './migrations' },\n"
            "};\n"
        ),
        f"migrations/20240105120000_create_{ctx.ident}.ts": f"""import type {{ Knex }} from 'knex';

export async function up(knex: Knex): Promise<void> {{
  await knex.schema.createTable('{ctx.ident}', (t) => {{
    t.increments('id');
    t.jsonb('payload').notNullable();
  }});
}}

export async function down(knex: Knex): Promise<void> {{
  await knex.schema.dropTable('{ctx.ident}');
}}
""",
    }


def _lint() -> dict[str, str]:
    eslint = {
        "root": True,
        "parser": "@typescript-eslint/parser",
        "extends": ["eslint:recommended", "prettier"],
    }
    return {
        ".eslintrc.json": json.dumps(eslint, indent=2) + "\n",
        ".prettierrc": '{ "singleQuote": true }\n',
    }


def node_kit(ctx: Ctx) -> KitResult:
    deps = kit.pick_deps(ctx, _BASE, _FEATURE_DEPS)
    dev = kit.pick_deps(ctx, _DEV_BASE, _DEV_DEPS)
    f = Files()
    src = {
        "package.json": _package_json(ctx, deps, dev),
        "tsconfig.json": (
            "{\n"
            '  "compilerOptions": {\n'
            '    "target": "ES2022",\n'
            '    "module": "commonjs",\n'
            '    "outDir": "dist",\n'
            '    "strict": true\n'
            "  },\n"
            '  "include": ["src"]\n'
            "}\n"
        ),
        "src/app.ts": _app(ctx),
        "src/service.ts": _service(ctx),
        "src/server.ts": (
            f"import {{ app }} from './app';\n"
            "\n"
            f"app.listen(Number(process.env.PORT ?? {ctx.port}));\n"
        ),
    }
    for i in range(ctx.modules):
        src[f"src/handlers/handler{i}.ts"] = (
            f"export function handle{i}(event: unknown): boolean {{\n"
            "  return event !== undefined;\n"
            f"}}\n"
        )
    f.add(0, kit.INITIAL, src)
    f.when(
        ctx.has("security.lockfile"),
        1,
        kit.LOCK,
        lambda: {"package-lock.json": _lock(ctx, deps, dev)},
    )
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: _tests(ctx))
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: _integration(ctx))
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: _contract(ctx))
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: _migrations(ctx))
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    f.when(ctx.has("quality.linter"), 2, kit.LINT, _lint)
    tool = Toolchain(
        language="TypeScript",
        framework="Express",
        install="npm ci",
        run="npm run dev",
        test="npm test",
        coverage="npm test -- --coverage",
        ci_setup=(
            "      - uses: actions/setup-node@v4\n"
            "        with:\n"
            "          node-version: 20\n"
            "      - run: npm ci\n"
        ),
        docker=(
            "FROM node:20-alpine AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
            "COPY . .\nRUN npm run build\n\nFROM node:20-alpine\nWORKDIR /app\n"
            "COPY --from=build /app/dist ./dist\n"
            "COPY --from=build /app/node_modules ./node_modules\n"
            f"EXPOSE {ctx.port}\n"
        ),
        cmd='CMD ["node", "dist/server.js"]',
        ignore=("node_modules", "dist", "coverage", ".git"),
    )
    return KitResult(f.files, ["src/app.ts", "src/service.ts"], tool)
