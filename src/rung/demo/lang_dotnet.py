"""C# / ASP.NET Core services: csproj + packages.lock.json, xunit, EF Core migrations."""

from __future__ import annotations

import json

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

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


_CSPROJ_TYPE = "9A19103F-16F7-4668-BE54-9A1E7A4F7556"


def _csproj(sdk: str, refs: list[tuple[str, str]], lock: bool, extra: str = "") -> str:
    items = "\n".join(f'    <PackageReference Include="{n}" Version="{v}" />' for n, v in refs)
    lock_prop = (
        "\n    <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>" if lock else ""
    )
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
    deps = {
        n: {
            "type": "Direct",
            "requested": f"[{v}, )",
            "resolved": v,
            "contentHash": kit.b64(n, v, size=64),
        }
        for n, v in refs
    }
    return json.dumps({"version": 1, "dependencies": {"net8.0": deps}}, indent=2) + "\n"


def _program(ctx: Ctx) -> str:
    lines = ["var builder = WebApplication.CreateBuilder(args);"]
    if ctx.has("obs.health_endpoint"):
        lines.append("builder.Services.AddHealthChecks();")
    lines += ["var app = builder.Build();", ""]
    if ctx.has("obs.health_endpoint"):
        lines.append('app.MapHealthChecks("/healthz");')
    lines += [
        f'app.MapGet("/api/v1/{ctx.name}", () => new[] {{ "{ctx.name}-1" }});',
        "",
        "app.Run();",
        "",
    ]
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
        f"src/{proj}/appsettings.json": json.dumps(
            {"Logging": {"LogLevel": {"Default": "Information"}}, "AllowedHosts": "*"}, indent=2
        )
        + "\n",
        f"{proj}.sln": (
            "Microsoft Visual Studio Solution File, Format Version 12.00\n"
            f'Project("{{{_CSPROJ_TYPE}}}") = "{proj}", "src\\{proj}\\{proj}.csproj", '
            f'"{{{kit.hexsum(proj)[:8].upper()}-0000-0000-0000-000000000000}}"\n'
            "EndProject\n"
        ),
    }
    for i in range(ctx.modules):
        src[f"src/{proj}/Domain/Part{i}.cs"] = (
            f"namespace {proj}.Domain;\n\npublic record Part{i}(string Id, long Version);\n"
        )
    f.add(0, kit.INITIAL, src)
    f.when(lock, 1, kit.LOCK, lambda: {f"src/{proj}/packages.lock.json": _packages_lock(refs)})
    tproj = f"tests/{proj}.Tests"
    ref = (
        "\n"
        "  <ItemGroup>\n"
        f'    <ProjectReference Include="..\\..\\src\\{proj}\\{proj}.csproj" />\n'
        "  </ItemGroup>"
    )
    test_cs = (
        "using Xunit;\n"
        "\n"
        f"namespace {proj}.Tests;\n"
        "\n"
        f"public class {ctx.camel}ApiTests\n"
        f"{{\n"
        "    [Fact]\n"
        "    public void ListsItems() => Assert.True(true);\n"
        f"}}\n"
    )
    f.when(
        ctx.has("tests.present"),
        1,
        kit.UNIT,
        lambda: {
            f"{tproj}/{proj}.Tests.csproj": _csproj("Microsoft.NET.Sdk", test, False, ref),
            f"{tproj}/{ctx.camel}ApiTests.cs": test_cs,
        },
    )
    f.when(
        ctx.has("tests.integration"),
        3,
        kit.INTEGRATION,
        lambda: {
            f"{tproj}/Integration/{ctx.camel}IntegrationTests.cs": test_cs.replace(
                "ApiTests", "IntegrationTests"
            )
        },
    )
    f.when(
        ctx.has("tests.contract"),
        3,
        kit.CONTRACT,
        lambda: {
            f"{tproj}/Contract/PricingConsumerTests.cs": (
                "using PactNet;\n\nnamespace Contract;\n\npublic class PricingConsumerTests\n{\n}\n"
            )
        },
    )
    mig = (
        "using Microsoft.EntityFrameworkCore.Migrations;\n"
        "\n"
        "public partial class Initial : Migration\n"
        f"{{\n"
        "    protected override void Up(MigrationBuilder b) =>\n"
        f'        b.CreateTable(name: "{ctx.ident}",\n'
        "            columns: t => new { Id = t.Column<long>() });\n"
        f"}}\n"
    )
    f.when(
        ctx.migrates,
        3,
        kit.MIGRATIONS,
        lambda: {f"src/{proj}/Migrations/20240105120000_Initial.cs": mig},
    )
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    f.when(
        ctx.has("quality.linter"),
        2,
        kit.LINT,
        lambda: {
            ".editorconfig": (
                "root = true\n"
                "\n"
                "[*.cs]\n"
                "indent_style = space\n"
                "dotnet_analyzer_diagnostic.severity = warning\n"
            )
        },
    )
    tool = Toolchain(
        language="C#",
        framework="ASP.NET Core",
        install="dotnet restore",
        run=f"dotnet run --project src/{proj}",
        test="dotnet test",
        coverage='dotnet test --collect:"XPlat Code Coverage"',
        ci_setup=(
            "      - uses: actions/setup-dotnet@v4\n"
            "        with:\n"
            "          dotnet-version: '8.0.x'\n"
        ),
        docker=(
            "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\n"
            "WORKDIR /src\n"
            "COPY . .\n"
            f"RUN dotnet publish src/{proj} -c Release -o /out\n"
            "\n"
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
            "WORKDIR /app\n"
            "COPY --from=build /out .\n"
            f"EXPOSE {ctx.port}\n"
        ),
        cmd=f'ENTRYPOINT ["dotnet", "{proj}.dll"]',
        ignore=("bin", "obj", "tests"),
    )
    return KitResult(f.files, [f"src/{proj}/Program.cs"], tool)
