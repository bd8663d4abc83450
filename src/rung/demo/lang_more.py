"""Ruby on Rails and C# / ASP.NET Core services."""

from __future__ import annotations

import json

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_GEMS = {
    "obs.metrics": [("prometheus-client", "4.2.2")],
    "obs.structured_logging": [("lograge", "0.14.0")],
    "obs.tracing": [("opentelemetry-sdk", "1.5.0"), ("opentelemetry-instrumentation-all", "0.60.0")],
    "obs.error_tracking": [("sentry-ruby", "5.17.3"), ("sentry-rails", "5.17.3")],
    "resilience.patterns": [("circuitbox", "2.0.0")],
    "db.postgres": [("pg", "1.5.6")],
    "db.mysql": [("mysql2", "0.5.6")],
    "db.mongodb": [("mongoid", "9.0.0")],
    "db.redis": [("redis", "5.2.0")],
}
_TEST_GEMS = {
    "tests.present": [("rspec-rails", "6.1.2")],
    "tests.coverage": [("simplecov", "0.22.0")],
    "tests.contract": [("pact", "1.65.0")],
    "quality.linter": [("rubocop", "1.64.1")],
}


def _gemfile(ctx: Ctx, gems: list[tuple[str, str]], test: list[tuple[str, str]]) -> str:
    lines = ['source "https://rubygems.org"', "", 'ruby "3.3.1"', "", 'gem "rails", "~> 7.1.3"', 'gem "puma", "~> 6.4"']
    lines += [f'gem "{g}", "~> {v.rsplit(".", 1)[0]}"' for g, v in gems]
    if test:
        lines += ["", "group :development, :test do"] + [f'  gem "{g}"' for g, _ in test] + ["end"]
    return "\n".join(lines) + "\n"


def _gemfile_lock(gems: list[tuple[str, str]]) -> str:
    allg = sorted([("rails", "7.1.3.4"), ("puma", "6.4.2"), *gems])
    lines = ["GEM", "  remote: https://rubygems.org/", "  specs:"] + [f"    {g} ({v})" for g, v in allg]
    lines += ["", "PLATFORMS", "  x86_64-linux", "", "DEPENDENCIES"] + [f"  {g}" for g, _ in allg]
    lines += ["", "RUBY VERSION", "   ruby 3.3.1p55", "", "BUNDLED WITH", "   2.5.10", ""]
    return "\n".join(lines)


def _rails_sources(ctx: Ctx) -> dict[str, str]:
    routes = ["Rails.application.routes.draw do"]
    if ctx.has("obs.health_endpoint"):
        routes.append('  get "/health", to: "health#show"')
    routes += [f'  namespace :api do\n    namespace :v1 do\n      resources :{ctx.ident}, only: [:index, :show]\n    end\n  end', "end", ""]
    out = {
        "config/routes.rb": "\n".join(routes),
        "config/application.rb": f'require_relative "boot"\nrequire "rails"\n\nmodule {ctx.camel}\n  class Application < Rails::Application\n    config.load_defaults 7.1\n    config.api_only = true\n  end\nend\n',
        f"app/controllers/api/v1/{ctx.ident}_controller.rb": f"module Api\n  module V1\n    class {ctx.camel}Controller < ApplicationController\n      def index\n        render json: [{{ id: 1, name: \"{ctx.name}\" }}]\n      end\n    end\n  end\nend\n",
        "app/controllers/application_controller.rb": "class ApplicationController < ActionController::API\nend\n",
        "config.ru": 'require_relative "config/environment"\n\nrun Rails.application\n',
    }
    if ctx.has("obs.health_endpoint"):
        out["app/controllers/health_controller.rb"] = 'class HealthController < ApplicationController\n  def show\n    render json: { status: "ok" }\n  end\nend\n'
    for i in range(ctx.modules):
        out[f"app/models/part{i}.rb"] = f"class Part{i} < ApplicationRecord\nend\n"
    return out


def ruby_kit(ctx: Ctx) -> KitResult:
    gems = kit.pick_deps(ctx, [], _GEMS)
    test = kit.pick_deps(ctx, [], _TEST_GEMS)
    f = Files()
    src = _rails_sources(ctx) | {"Gemfile": _gemfile(ctx, gems, test)}
    f.add(0, kit.INITIAL, src)
    f.when(ctx.has("security.lockfile"), 1, kit.LOCK, lambda: {"Gemfile.lock": _gemfile_lock(gems + test)})
    spec = f'require "rails_helper"\n\nRSpec.describe "{ctx.name} API", type: :request do\n  it "lists {ctx.ident}" do\n    get "/api/v1/{ctx.ident}"\n    expect(response).to have_http_status(:ok)\n  end\nend\n'
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: {f"spec/requests/{ctx.ident}_spec.rb": spec, "spec/rails_helper.rb": 'require "spec_helper"\n'})
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: {f"spec/integration/{ctx.ident}_flow_spec.rb": spec})
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: {"spec/service_providers/pricing_service_spec.rb": 'require "pact/consumer/rspec"\n\nPact.service_consumer "' + ctx.name + '" do\n  has_pact_with "pricing" do\n    mock_service :pricing do\n      port 1234\n    end\n  end\nend\n'})
    mig = f"class Create{ctx.camel} < ActiveRecord::Migration[7.1]\n  def change\n    create_table :{ctx.ident} do |t|\n      t.jsonb :payload, null: false\n      t.timestamps\n    end\n  end\nend\n"
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: {f"db/migrate/20240105120000_create_{ctx.ident}.rb": mig})
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    f.when(ctx.has("quality.linter"), 2, kit.LINT, lambda: {".rubocop.yml": "AllCops:\n  TargetRubyVersion: 3.3\n  NewCops: enable\n"})
    tool = Toolchain(
        language="Ruby", framework="Rails", install="bundle install", run="bin/rails server",
        test="bundle exec rspec", coverage="COVERAGE=true bundle exec rspec",
        ci_setup="      - uses: ruby/setup-ruby@v1\n        with:\n          bundler-cache: true\n",
        docker=f"FROM ruby:3.3-slim\nWORKDIR /app\nCOPY Gemfile* ./\nRUN bundle install --without development test\nCOPY . .\nEXPOSE {ctx.port}\n",
        cmd=f'CMD ["bundle", "exec", "puma", "-p", "{ctx.port}"]',
        ignore=("log", "tmp", ".bundle", "spec"),
    )  # fmt: skip
    return KitResult(f.files, ["config/routes.rb", f"app/controllers/api/v1/{ctx.ident}_controller.rb"], tool)


_NUGET = {
    "obs.health_endpoint": [("AspNetCore.HealthChecks.UI.Client", "8.0.1")],
    "obs.metrics": [("prometheus-net.AspNetCore", "8.2.1")],
    "obs.structured_logging": [("Serilog.AspNetCore", "8.0.1")],
    "obs.tracing": [("OpenTelemetry.Extensions.Hosting", "1.8.1")],
    "obs.error_tracking": [("Sentry.AspNetCore", "4.7.0")],
    "resilience.patterns": [("Microsoft.Extensions.Http.Resilience", "8.5.0")],
    "db.postgres": [("Npgsql.EntityFrameworkCore.PostgreSQL", "8.0.4")],
    "db.mysql": [("Pomelo.EntityFrameworkCore.MySql", "8.0.2")],
    "db.mongodb": [("MongoDB.Driver", "2.26.0")],
    "db.redis": [("StackExchange.Redis", "2.7.33")],
    "db.migrations": [("Microsoft.EntityFrameworkCore.Design", "8.0.6")],
}
_NUGET_TEST = {
    "tests.present": [("xunit", "2.8.1"), ("Microsoft.AspNetCore.Mvc.Testing", "8.0.6")],
    "tests.coverage": [("coverlet.collector", "6.0.2")],
    "tests.contract": [("PactNet", "4.5.0")],
    "tests.integration": [("Testcontainers.PostgreSql", "3.8.0")],
}


def _csproj(sdk: str, refs: list[tuple[str, str]], lock: bool, extra: str = "") -> str:
    items = "\n".join(f'    <PackageReference Include="{n}" Version="{v}" />' for n, v in refs)
    lock_prop = "\n    <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>" if lock else ""
    return f"""<Project Sdk="{sdk}">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>{lock_prop}
  </PropertyGroup>
  <ItemGroup>
{items}
  </ItemGroup>{extra}
</Project>
"""


def _packages_lock(refs: list[tuple[str, str]]) -> str:
    deps = {n: {"type": "Direct", "requested": f"[{v}, )", "resolved": v, "contentHash": kit.b64(n, v, size=64)} for n, v in refs}
    return json.dumps({"version": 1, "dependencies": {"net8.0": deps}}, indent=2) + "\n"


def _program(ctx: Ctx) -> str:
    lines = ["var builder = WebApplication.CreateBuilder(args);"]
    if ctx.has("obs.health_endpoint"):
        lines.append("builder.Services.AddHealthChecks();")
    lines += ["var app = builder.Build();", ""]
    if ctx.has("obs.health_endpoint"):
        lines.append('app.MapHealthChecks("/healthz");')
    lines += [f'app.MapGet("/api/v1/{ctx.name}", () => new[] {{ "{ctx.name}-1" }});', "", "app.Run();", ""]
    return "\n".join(lines)


def csharp_kit(ctx: Ctx) -> KitResult:
    refs = kit.pick_deps(ctx, [], _NUGET)
    test = kit.pick_deps(ctx, [], _NUGET_TEST)
    proj = f"{ctx.camel}.Api"
    lock = ctx.has("security.lockfile")
    f = Files()
    src = {
        f"src/{proj}/{proj}.csproj": _csproj("Microsoft.NET.Sdk.Web", refs, lock),
        f"src/{proj}/Program.cs": _program(ctx),
        f"src/{proj}/appsettings.json": json.dumps({"Logging": {"LogLevel": {"Default": "Information"}}, "AllowedHosts": "*"}, indent=2) + "\n",
        f"{proj}.sln": f'Microsoft Visual Studio Solution File, Format Version 12.00\nProject("{{9A19103F-16F7-4668-BE54-9A1E7A4F7556}}") = "{proj}", "src\\{proj}\\{proj}.csproj", "{{{kit.hexsum(proj)[:8].upper()}-0000-0000-0000-000000000000}}"\nEndProject\n',
    }
    for i in range(ctx.modules):
        src[f"src/{proj}/Domain/Part{i}.cs"] = f"namespace {proj}.Domain;\n\npublic record Part{i}(string Id, long Version);\n"
    f.add(0, kit.INITIAL, src)
    f.when(lock, 1, kit.LOCK, lambda: {f"src/{proj}/packages.lock.json": _packages_lock(refs)})
    tproj = f"tests/{proj}.Tests"
    ref = f'\n  <ItemGroup>\n    <ProjectReference Include="..\\..\\src\\{proj}\\{proj}.csproj" />\n  </ItemGroup>'
    test_cs = f"using Xunit;\n\nnamespace {proj}.Tests;\n\npublic class {ctx.camel}ApiTests\n{{\n    [Fact]\n    public void ListsItems() => Assert.True(true);\n}}\n"
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: {f"{tproj}/{proj}.Tests.csproj": _csproj("Microsoft.NET.Sdk", test, False, ref), f"{tproj}/{ctx.camel}ApiTests.cs": test_cs})
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: {f"{tproj}/Integration/{ctx.camel}IntegrationTests.cs": test_cs.replace("ApiTests", "IntegrationTests")})
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: {f"{tproj}/Contract/PricingConsumerTests.cs": "using PactNet;\n\nnamespace Contract;\n\npublic class PricingConsumerTests\n{\n}\n"})
    mig = f"using Microsoft.EntityFrameworkCore.Migrations;\n\npublic partial class Initial : Migration\n{{\n    protected override void Up(MigrationBuilder b) => b.CreateTable(name: \"{ctx.ident}\", columns: t => new {{ Id = t.Column<long>() }});\n}}\n"
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: {f"src/{proj}/Migrations/20240105120000_Initial.cs": mig})
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    f.when(ctx.has("quality.linter"), 2, kit.LINT, lambda: {".editorconfig": "root = true\n\n[*.cs]\nindent_style = space\ndotnet_analyzer_diagnostic.severity = warning\n"})
    tool = Toolchain(
        language="C#", framework="ASP.NET Core", install="dotnet restore", run=f"dotnet run --project src/{proj}",
        test="dotnet test", coverage='dotnet test --collect:"XPlat Code Coverage"',
        ci_setup="      - uses: actions/setup-dotnet@v4\n        with:\n          dotnet-version: '8.0.x'\n",
        docker=f"FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish src/{proj} -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /out .\nEXPOSE {ctx.port}\n",
        cmd=f'ENTRYPOINT ["dotnet", "{proj}.dll"]',
        ignore=("bin", "obj", "tests"),
    )  # fmt: skip
    return KitResult(f.files, [f"src/{proj}/Program.cs"], tool)
