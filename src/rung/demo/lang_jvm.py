"""Java services on Spring Boot (Maven or Gradle with a lock file)."""

from __future__ import annotations

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_BOOT = "org.springframework.boot"
_BASE = [(_BOOT, "spring-boot-starter-web")]
_FEATURE_DEPS = {
    "obs.health_endpoint": [(_BOOT, "spring-boot-starter-actuator")],
    "obs.metrics": [("io.micrometer", "micrometer-registry-prometheus")],
    "obs.structured_logging": [("net.logstash.logback", "logstash-logback-encoder")],
    "obs.tracing": [
        ("io.micrometer", "micrometer-tracing-bridge-otel"),
        ("io.opentelemetry", "opentelemetry-exporter-otlp"),
    ],
    "obs.error_tracking": [("io.sentry", "sentry-spring-boot-starter-jakarta")],
    "resilience.patterns": [("io.github.resilience4j", "resilience4j-spring-boot3")],
    "db.postgres": [(_BOOT, "spring-boot-starter-data-jpa"), ("org.postgresql", "postgresql")],
    "db.mysql": [(_BOOT, "spring-boot-starter-data-jpa"), ("com.mysql", "mysql-connector-j")],
    "db.mongodb": [(_BOOT, "spring-boot-starter-data-mongodb")],
    "db.redis": [(_BOOT, "spring-boot-starter-data-redis")],
    "db.migrations": [("org.flywaydb", "flyway-core")],
}
_TEST_DEPS = {
    "tests.present": [(_BOOT, "spring-boot-starter-test")],
    "tests.contract": [("org.springframework.cloud", "spring-cloud-starter-contract-verifier")],
    "tests.integration": [("org.testcontainers", "postgresql")],
}
_VERSIONS = {"postgresql": "42.7.3", "flyway-core": "10.14.0", "logstash-logback-encoder": "7.4"}


def _version(artifact: str) -> str:
    return _VERSIONS.get(artifact, "3.3.0" if "spring" in artifact else "1.12.6")


def _pkg(ctx: Ctx) -> str:
    return f"com.exampleshop.{ctx.ident.replace('_', '')}"


def _pom(ctx: Ctx, deps: list[tuple[str, str]], test: list[tuple[str, str]]) -> str:
    def dep(group: str, art: str, scope: str = "") -> str:
        sc = f"\n      <scope>{scope}</scope>" if scope else ""
        return (
            "    <dependency>\n"
            f"      <groupId>{group}</groupId>\n"
            f"      <artifactId>{art}</artifactId>{sc}\n"
            "    </dependency>"
        )

    plugins = [
        (
            "      <plugin>\n"
            f"        <groupId>{_BOOT}</groupId>\n"
            "        <artifactId>spring-boot-maven-plugin</artifactId>\n"
            "      </plugin>"
        )
    ]
    if ctx.has("tests.coverage"):
        plugins.append(
            "      <plugin>\n"
            "        <groupId>org.jacoco</groupId>\n"
            "        <artifactId>jacoco-maven-plugin</artifactId>\n"
            "        <version>0.8.12</version>\n"
            "      </plugin>"
        )
    if ctx.has("quality.linter"):
        plugins.append(
            "      <plugin>\n"
            "        <groupId>org.apache.maven.plugins</groupId>\n"
            "        <artifactId>maven-checkstyle-plugin</artifactId>\n"
            "        <version>3.3.1</version>\n"
            "      </plugin>"
        )
    body = "\n".join([dep(g, a) for g, a in deps] + [dep(g, a, "test") for g, a in test])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>{_BOOT}</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.0</version>
  </parent>
  <groupId>com.exampleshop</groupId>
  <artifactId>{ctx.name}</artifactId>
  <version>1.0.0-SNAPSHOT</version>
  <properties>
    <java.version>21</java.version>
  </properties>
  <dependencies>
{body}
  </dependencies>
  <build>
    <plugins>
{chr(10).join(plugins)}
    </plugins>
  </build>
</project>
"""


def _gradle(ctx: Ctx, deps: list[tuple[str, str]], test: list[tuple[str, str]]) -> str:
    plugins = [
        '    id("org.springframework.boot") version "3.3.0"',
        '    id("io.spring.dependency-management") version "1.1.5"',
        "    java",
    ]
    plugins += ["    jacoco"] if ctx.has("tests.coverage") else []
    plugins += ["    checkstyle"] if ctx.has("quality.linter") else []
    lines = ["plugins {", *plugins, "}", "", 'group = "com.exampleshop"', 'version = "1.0.0"', ""]
    lines += ["java {", "    toolchain { languageVersion = JavaLanguageVersion.of(21) }", "}", ""]
    lines += ["repositories {", "    mavenCentral()", "}", ""]
    if ctx.has("security.lockfile"):
        lines += ["dependencyLocking {", "    lockAllConfigurations()", "}", ""]
    lines += ["dependencies {"] + [f'    implementation("{g}:{a}")' for g, a in deps]
    lines += [f'    testImplementation("{g}:{a}")' for g, a in test] + ["}", ""]
    lines += ["tasks.test {", "    useJUnitPlatform()", "}", ""]
    return "\n".join(lines)


def _gradle_lock(deps: list[tuple[str, str]], test: list[tuple[str, str]]) -> str:
    lines = [
        "# This is a Gradle generated file for dependency locking.",
        "# Manual edits can break the build and are not advised.",
        "# This file is expected to be part of source control.",
    ]
    lines += [f"{g}:{a}:{_version(a)}=compileClasspath,runtimeClasspath" for g, a in sorted(deps)]
    lines += [
        f"{g}:{a}:{_version(a)}=testCompileClasspath,testRuntimeClasspath" for g, a in sorted(test)
    ]
    return "\n".join([*lines, "empty=annotationProcessor", ""])


def _sources(ctx: Ctx) -> dict[str, str]:
    pkg, base = _pkg(ctx), f"src/main/java/{_pkg(ctx).replace('.', '/')}"
    app = f"""package {pkg};

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class {ctx.camel}Application {{
    public static void main(String[] args) {{
        SpringApplication.run({ctx.camel}Application.class, args);
    }}
}}
"""
    ctl = f"""package {pkg}.web;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class {ctx.camel}Controller {{
    @GetMapping("/api/v1/{ctx.name}")
    public List<String> list() {{
        return List.of("{ctx.name}-1");
    }}
}}
"""
    props = f"spring.application.name={ctx.name}\nserver.port={ctx.port}\n"
    if ctx.has("obs.health_endpoint"):
        props += (
            "management.endpoints.web.exposure.include=health,info,prometheus\n"
            "management.endpoint.health.probes.enabled=true\n"
        )
    out = {
        f"{base}/{ctx.camel}Application.java": app,
        f"{base}/web/{ctx.camel}Controller.java": ctl,
    }
    out["src/main/resources/application.properties"] = props
    for i in range(ctx.modules):
        out[f"{base}/domain/Part{i}.java"] = (
            f"package {pkg}.domain;\n\npublic record Part{i}(String id, long version) {{}}\n"
        )
    return out


def _tests(ctx: Ctx, suffix: str) -> dict[str, str]:
    path = f"src/test/java/{_pkg(ctx).replace('.', '/')}/{ctx.camel}{suffix}.java"
    return {
        path: f"""package {_pkg(ctx)};

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class {ctx.camel}{suffix} {{
    @Test
    void contextLoads() {{
    }}
}}
"""
    }


def _contract(ctx: Ctx) -> dict[str, str]:
    return {
        "src/test/resources/contracts/shouldReturnList.groovy": f"""\
org.springframework.cloud.contract.spec.Contract.make {{
    request {{ method 'GET'; url '/api/v1/{ctx.name}' }}
    response {{ status 200 }}
}}
"""
    }


def _migrations(ctx: Ctx) -> dict[str, str]:
    sql = (
        f"CREATE TABLE {ctx.ident} (\n"
        "    id BIGSERIAL PRIMARY KEY,\n"
        "    created_at TIMESTAMP NOT NULL DEFAULT now()\n"
        ");\n"
    )
    return {f"src/main/resources/db/migration/V1__create_{ctx.ident}.sql": sql}


def java_kit(ctx: Ctx) -> KitResult:
    deps = kit.pick_deps(ctx, _BASE, _FEATURE_DEPS)
    test = kit.pick_deps(ctx, [], _TEST_DEPS)
    gradle = ctx.variant == "gradle"
    f = Files()
    src = _sources(ctx)
    src["build.gradle.kts" if gradle else "pom.xml"] = (_gradle if gradle else _pom)(
        ctx, deps, test
    )
    if gradle:
        src["settings.gradle.kts"] = f'rootProject.name = "{ctx.name}"\n'
    f.add(0, kit.INITIAL, src)
    f.when(
        gradle and ctx.has("security.lockfile"),
        1,
        kit.LOCK,
        lambda: {"gradle.lockfile": _gradle_lock(deps, test)},
    )
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: _tests(ctx, "ControllerTest"))
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: _tests(ctx, "IntegrationTest"))
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: _contract(ctx))
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: _migrations(ctx))
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    checkstyle = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE module PUBLIC "-//Checkstyle//DTD Checkstyle Configuration 1.3//EN" "https://checkstyle.org/dtds/configuration_1_3.dtd">\n'
        '<module name="Checker">\n'
        '  <module name="TreeWalker"/>\n'
        "</module>\n"
    )
    f.when(
        ctx.has("quality.linter"),
        2,
        kit.LINT,
        lambda: {"config/checkstyle/checkstyle.xml": checkstyle},
    )
    build = "./gradlew" if gradle else "./mvnw"
    test_cmd = f"{build} test" if gradle else "mvn test"
    tool = Toolchain(
        language="Java",
        framework="Spring Boot",
        install=f"{build} {'assemble' if gradle else 'package -DskipTests'}",
        run=f"{build} {'bootRun' if gradle else 'spring-boot:run'}",
        test=test_cmd,
        coverage=f"{build} test jacocoTestReport" if gradle else "mvn verify jacoco:report",
        ci_setup=(
            "      - uses: actions/setup-java@v4\n"
            "        with:\n"
            "          distribution: temurin\n"
            "          java-version: '21'\n"
        ),
        docker=(
            "FROM eclipse-temurin:21-jdk AS build\n"
            "WORKDIR /src\n"
            "COPY . .\n"
            f"RUN {build} {'bootJar' if gradle else 'package -DskipTests'}\n"
            "\n"
            "FROM eclipse-temurin:21-jre\n"
            "WORKDIR /app\n"
            f"COPY --from=build /src/{'build/libs' if gradle else 'target'}/*.jar app.jar\n"
            f"EXPOSE {ctx.port}\n"
        ),
        cmd='ENTRYPOINT ["java", "-jar", "/app/app.jar"]',
        ignore=("target", "build", ".gradle", ".idea"),
    )
    churn = [p for p in src if p.endswith("Controller.java") or p.endswith("Application.java")]
    return KitResult(f.files, churn, tool)
