"""Ruby on Rails services: Gemfile + Gemfile.lock, rspec, ActiveRecord migrations."""

from __future__ import annotations

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_GEMS = {
    "obs.metrics": [("prometheus-client", "4.2.2")],
    "obs.structured_logging": [("lograge", "0.14.0")],
    "obs.tracing": [
        ("opentelemetry-sdk", "1.5.0"),
        ("opentelemetry-instrumentation-all", "0.60.0"),
    ],
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
    lines = [
        'source "https://rubygems.org"',
        "",
        'ruby "3.3.1"',
        "",
        'gem "rails", "~> 7.1.3"',
        'gem "puma", "~> 6.4"',
    ]
    lines += [f'gem "{g}", "~> {v.rsplit(".", 1)[0]}"' for g, v in gems]
    if test:
        lines += ["", "group :development, :test do"] + [f'  gem "{g}"' for g, _ in test] + ["end"]
    return "\n".join(lines) + "\n"


def _gemfile_lock(gems: list[tuple[str, str]]) -> str:
    allg = sorted([("rails", "7.1.3.4"), ("puma", "6.4.2"), *gems])
    lines = ["GEM", "  remote: https://rubygems.org/", "  specs:"] + [
        f"    {g} ({v})" for g, v in allg
    ]
    lines += ["", "PLATFORMS", "  x86_64-linux", "", "DEPENDENCIES"] + [f"  {g}" for g, _ in allg]
    lines += ["", "RUBY VERSION", "   ruby 3.3.1p55", "", "BUNDLED WITH", "   2.5.10", ""]
    return "\n".join(lines)


def _rails_sources(ctx: Ctx) -> dict[str, str]:
    routes = ["Rails.application.routes.draw do"]
    if ctx.has("obs.health_endpoint"):
        routes.append('  get "/health", to: "health#show"')
    routes += [
        (
            "  namespace :api do\n"
            "    namespace :v1 do\n"
            f"      resources :{ctx.ident}, only: [:index, :show]\n"
            "    end\n"
            "  end"
        ),
        "end",
        "",
    ]
    out = {
        "config/routes.rb": "\n".join(routes),
        "config/application.rb": (
            'require_relative "boot"\n'
            'require "rails"\n'
            "\n"
            f"module {ctx.camel}\n"
            "  class Application < Rails::Application\n"
            "    config.load_defaults 7.1\n"
            "    config.api_only = true\n"
            "  end\n"
            "end\n"
        ),
        f"app/controllers/api/v1/{ctx.ident}_controller.rb": (
            "module Api\n"
            "  module V1\n"
            f"    class {ctx.camel}Controller < ApplicationController\n"
            "      def index\n"
            f'        render json: [{{ id: 1, name: "{ctx.name}" }}]\n'
            "      end\n"
            "    end\n"
            "  end\n"
            "end\n"
        ),
        "app/controllers/application_controller.rb": (
            "class ApplicationController < ActionController::API\nend\n"
        ),
        "config.ru": 'require_relative "config/environment"\n\nrun Rails.application\n',
    }
    if ctx.has("obs.health_endpoint"):
        out["app/controllers/health_controller.rb"] = (
            "class HealthController < ApplicationController\n"
            "  def show\n"
            '    render json: { status: "ok" }\n'
            "  end\n"
            "end\n"
        )
    for i in range(ctx.modules):
        out[f"app/models/part{i}.rb"] = f"class Part{i} < ApplicationRecord\nend\n"
    return out


def ruby_kit(ctx: Ctx) -> KitResult:
    gems = kit.pick_deps(ctx, [], _GEMS)
    test = kit.pick_deps(ctx, [], _TEST_GEMS)
    f = Files()
    src = _rails_sources(ctx) | {"Gemfile": _gemfile(ctx, gems, test)}
    f.add(0, kit.INITIAL, src)
    f.when(
        ctx.has("security.lockfile"),
        1,
        kit.LOCK,
        lambda: {"Gemfile.lock": _gemfile_lock(gems + test)},
    )
    spec = (
        'require "rails_helper"\n'
        "\n"
        f'RSpec.describe "{ctx.name} API", type: :request do\n'
        f'  it "lists {ctx.ident}" do\n'
        f'    get "/api/v1/{ctx.ident}"\n'
        "    expect(response).to have_http_status(:ok)\n"
        "  end\n"
        "end\n"
    )
    f.when(
        ctx.has("tests.present"),
        1,
        kit.UNIT,
        lambda: {
            f"spec/requests/{ctx.ident}_spec.rb": spec,
            "spec/rails_helper.rb": 'require "spec_helper"\n',
        },
    )
    f.when(
        ctx.has("tests.integration"),
        3,
        kit.INTEGRATION,
        lambda: {f"spec/integration/{ctx.ident}_flow_spec.rb": spec},
    )
    f.when(
        ctx.has("tests.contract"),
        3,
        kit.CONTRACT,
        lambda: {
            "spec/service_providers/pricing_service_spec.rb": (
                'require "pact/consumer/rspec"\n\nPact.service_consumer "'
            )
            + ctx.name
            + (
                '" do\n'
                '  has_pact_with "pricing" do\n'
                "    mock_service :pricing do\n"
                "      port 1234\n"
                "    end\n"
                "  end\n"
                "end\n"
            )
        },
    )
    mig = (
        f"class Create{ctx.camel} < ActiveRecord::Migration[7.1]\n"
        "  def change\n"
        f"    create_table :{ctx.ident} do |t|\n"
        "      t.jsonb :payload, null: false\n"
        "      t.timestamps\n"
        "    end\n"
        "  end\n"
        "end\n"
    )
    f.when(
        ctx.migrates,
        3,
        kit.MIGRATIONS,
        lambda: {f"db/migrate/20240105120000_create_{ctx.ident}.rb": mig},
    )
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: kit.k6_script(ctx))
    f.when(
        ctx.has("quality.linter"),
        2,
        kit.LINT,
        lambda: {".rubocop.yml": "AllCops:\n  TargetRubyVersion: 3.3\n  NewCops: enable\n"},
    )
    tool = Toolchain(
        language="Ruby",
        framework="Rails",
        install="bundle install",
        run="bin/rails server",
        test="bundle exec rspec",
        coverage="COVERAGE=true bundle exec rspec",
        ci_setup="      - uses: ruby/setup-ruby@v1\n        with:\n          bundler-cache: true\n",
        docker=(
            "FROM ruby:3.3-slim\n"
            "WORKDIR /app\n"
            "COPY Gemfile* ./\n"
            "RUN bundle install --without development test\n"
            "COPY . .\n"
            f"EXPOSE {ctx.port}\n"
        ),
        cmd=f'CMD ["bundle", "exec", "puma", "-p", "{ctx.port}"]',
        ignore=("log", "tmp", ".bundle", "spec"),
    )
    return KitResult(
        f.files, ["config/routes.rb", f"app/controllers/api/v1/{ctx.ident}_controller.rb"], tool
    )
