using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: true),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scopes = table.Column<string[]>(type: "text[]", nullable: false),
                    services = table.Column<string[]>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    must_change_password = table.Column<bool>(type: "boolean", nullable: false),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    target = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    changes = table.Column<JsonDocument>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_entities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    entity_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    kind = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    @namespace = table.Column<string>(name: "namespace", type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    title = table.Column<string>(type: "text", nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true),
                    lifecycle = table.Column<string>(type: "text", nullable: true),
                    owner = table.Column<string>(type: "text", nullable: true),
                    system = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    document = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    filter_keys = table.Column<string[]>(type: "text[]", nullable: false),
                    location_id = table.Column<Guid>(type: "uuid", nullable: true),
                    orphaned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false)
                        .Annotation("Npgsql:TsVectorConfig", "simple")
                        .Annotation("Npgsql:TsVectorProperties", new[] { "name", "title", "description" }),
                    source = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    trusted_for_identity = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_entities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_locations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    target = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    branch = table.Column<string>(type: "text", nullable: true),
                    path = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    last_refresh_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_refresh_ms = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    entity_count = table.Column<int>(type: "integer", nullable: false),
                    errors = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    registered_by_task_id = table.Column<Guid>(type: "uuid", nullable: true),
                    registered_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    registrant_is_admin = table.Column<bool>(type: "boolean", nullable: false),
                    registrant_teams = table.Column<string[]>(type: "text[]", nullable: false),
                    trusted_for_identity = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_locations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_relations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    source_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    target_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    origin_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_relations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_allocation_rules",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    position = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    match = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    dimension = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_allocation_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_budget_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    budget_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<string>(type: "text", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    basis = table.Column<string>(type: "text", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_budget_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_budgets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team = table.Column<string>(type: "text", nullable: false),
                    component = table.Column<string>(type: "text", nullable: true),
                    monthly_amount = table.Column<decimal>(type: "numeric", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    thresholds = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_budgets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_daily",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    day = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_account_id = table.Column<string>(type: "text", nullable: false),
                    billing_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_currency = table.Column<string>(type: "text", nullable: false),
                    team = table.Column<string>(type: "text", nullable: true),
                    component = table.Column<string>(type: "text", nullable: true),
                    environment = table.Column<string>(type: "text", nullable: true),
                    provider_name = table.Column<string>(type: "text", nullable: false),
                    service_category = table.Column<string>(type: "text", nullable: false),
                    service_name = table.Column<string>(type: "text", nullable: false),
                    region_id = table.Column<string>(type: "text", nullable: true),
                    sub_account_id = table.Column<string>(type: "text", nullable: true),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    rows = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_daily", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_imports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "text", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    imported_by = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: true),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    rejected_rows = table.Column<int>(type: "integer", nullable: false),
                    replaced_rows = table.Column<int>(type: "integer", nullable: false),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    billing_accounts = table.Column<string>(type: "jsonb", nullable: false),
                    extra_columns = table.Column<string>(type: "jsonb", nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false),
                    duration_seconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_imports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environment_policy_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    stage = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: true),
                    policy_version = table.Column<int>(type: "integer", nullable: false),
                    compliant = table.Column<bool>(type: "boolean", nullable: false),
                    violations = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_policy_decisions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environment_policy_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version = table.Column<int>(type: "integer", nullable: false),
                    yaml = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_policy_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    system_ref = table.Column<string>(type: "text", nullable: true),
                    owner_team = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    tier = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    cpu = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    memory_gi = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    storage_gi = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    region = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    driver = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    outputs = table.Column<string>(type: "jsonb", nullable: false),
                    monthly_estimate = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    ttl = table.Column<TimeSpan>(type: "interval", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    warning_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requested_by_id = table.Column<string>(type: "text", nullable: false),
                    requested_by = table.Column<string>(type: "text", nullable: false),
                    approval_by = table.Column<string>(type: "text", nullable: true),
                    decided_by = table.Column<string>(type: "text", nullable: true),
                    decision_comment = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ready_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "portal_settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_settings", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "scaffolder_log_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    step_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    level = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scaffolder_log_lines", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scaffolder_tasks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    template_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    template_title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    template_document = table.Column<string>(type: "jsonb", nullable: false),
                    template_source = table.Column<string>(type: "text", nullable: true),
                    values = table.Column<string>(type: "jsonb", nullable: false),
                    protected_secrets = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    steps = table.Column<string>(type: "jsonb", nullable: false),
                    output = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_by_user_id = table.Column<string>(type: "text", nullable: true),
                    created_by_user_ref = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    created_by_admin = table.Column<bool>(type: "boolean", nullable: false),
                    created_by_teams = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scaffolder_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "slo_definitions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    indicator = table.Column<string>(type: "text", nullable: false),
                    threshold_seconds = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    target = table.Column<decimal>(type: "numeric(12,10)", precision: 12, scale: 10, nullable: false),
                    window_kind = table.Column<string>(type: "text", nullable: false),
                    window_days = table.Column<int>(type: "integer", nullable: false),
                    time_zone = table.Column<string>(type: "text", nullable: false),
                    budgeting_method = table.Column<string>(type: "text", nullable: false),
                    timeslice_target = table.Column<decimal>(type: "numeric(12,10)", precision: 12, scale: 10, nullable: true),
                    min_events = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    alert_rules = table.Column<string>(type: "jsonb", nullable: true),
                    ratio = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_definitions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "slo_metric_streams",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    metric = table.Column<string>(type: "text", nullable: false),
                    start_unix_nano = table.Column<long>(type: "bigint", nullable: false),
                    time_unix_nano = table.Column<long>(type: "bigint", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    sum = table.Column<double>(type: "double precision", nullable: false),
                    bucket_counts = table.Column<byte[]>(type: "bytea", nullable: false),
                    bounds = table.Column<byte[]>(type: "bytea", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_metric_streams", x => x.key);
                })
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateTable(
                name: "slo_service_minutes",
                columns: table => new
                {
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    errors = table.Column<long>(type: "bigint", nullable: false),
                    duration_sum = table.Column<double>(type: "double precision", nullable: false),
                    latency_buckets = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_service_minutes", x => new { x.component_ref, x.minute });
                });

            migrationBuilder.CreateTable(
                name: "slo_stream_journal",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    written_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    states = table.Column<byte[]>(type: "bytea", nullable: true),
                    folded_through = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_stream_journal", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "slo_telemetry_sources",
                columns: table => new
                {
                    service_name = table.Column<string>(type: "text", nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_points = table.Column<long>(type: "bigint", nullable: false),
                    rejected_points = table.Column<long>(type: "bigint", nullable: false),
                    last_rejection = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_telemetry_sources", x => x.service_name);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_asp_net_role_claims_asp_net_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "AspNetRoles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_asp_net_user_claims_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_asp_net_user_logins_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    role_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_asp_net_user_roles_asp_net_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "AspNetRoles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_asp_net_user_roles_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asp_net_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_asp_net_user_tokens_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cost_line_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    import_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line = table.Column<long>(type: "bigint", nullable: false),
                    billing_account_id = table.Column<string>(type: "text", nullable: false),
                    billing_account_name = table.Column<string>(type: "text", nullable: true),
                    billing_currency = table.Column<string>(type: "text", nullable: false),
                    billing_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    charge_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    charge_period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    list_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    contracted_cost = table.Column<decimal>(type: "numeric", nullable: true),
                    charge_category = table.Column<string>(type: "text", nullable: false),
                    charge_description = table.Column<string>(type: "text", nullable: true),
                    provider_name = table.Column<string>(type: "text", nullable: false),
                    publisher_name = table.Column<string>(type: "text", nullable: true),
                    invoice_issuer_name = table.Column<string>(type: "text", nullable: true),
                    service_name = table.Column<string>(type: "text", nullable: false),
                    service_category = table.Column<string>(type: "text", nullable: false),
                    region_id = table.Column<string>(type: "text", nullable: true),
                    region_name = table.Column<string>(type: "text", nullable: true),
                    resource_id = table.Column<string>(type: "text", nullable: true),
                    resource_name = table.Column<string>(type: "text", nullable: true),
                    resource_type = table.Column<string>(type: "text", nullable: true),
                    sub_account_id = table.Column<string>(type: "text", nullable: true),
                    sub_account_name = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string>(type: "jsonb", nullable: false),
                    extra = table.Column<string>(type: "jsonb", nullable: false),
                    team = table.Column<string>(type: "text", nullable: true),
                    component = table.Column<string>(type: "text", nullable: true),
                    environment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_line_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_cost_line_items_cost_imports_import_id",
                        column: x => x.import_id,
                        principalTable: "cost_imports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "environment_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    claims = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_runs_environments_environment_id",
                        column: x => x.environment_id,
                        principalTable: "environments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "environment_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    to = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_transitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_transitions_environments_environment_id",
                        column: x => x.environment_id,
                        principalTable: "environments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "slo_alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    pending_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    factor = table.Column<decimal>(type: "numeric", nullable: false),
                    long_burn = table.Column<decimal>(type: "numeric", nullable: true),
                    short_burn = table.Column<decimal>(type: "numeric", nullable: true),
                    budget_consumed = table.Column<decimal>(type: "numeric", nullable: true),
                    explanation = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_alerts", x => x.id);
                    table.ForeignKey(
                        name: "fk_slo_alerts_slo_definition_slo_id",
                        column: x => x.slo_id,
                        principalTable: "slo_definitions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "slo_counts",
                columns: table => new
                {
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    span = table.Column<short>(type: "smallint", nullable: false),
                    bucket = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    good = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    good_slices = table.Column<long>(type: "bigint", nullable: false),
                    slices = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_counts", x => new { x.slo_id, x.span, x.bucket });
                    table.ForeignKey(
                        name: "fk_slo_counts_slo_definition_slo_id",
                        column: x => x.slo_id,
                        principalTable: "slo_definitions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "environment_log_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    step = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    level = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_log_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_log_lines_environment_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "environment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_hash",
                table: "api_tokens",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_user_id",
                table: "api_tokens",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_asp_net_role_claims_role_id",
                table: "AspNetRoleClaims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_asp_net_user_claims_user_id",
                table: "AspNetUserClaims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_asp_net_user_logins_user_id",
                table: "AspNetUserLogins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_asp_net_user_roles_role_id",
                table: "AspNetUserRoles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_action_at",
                table: "audit_entries",
                columns: new[] { "action", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor_at",
                table: "audit_entries",
                columns: new[] { "actor", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_at",
                table: "audit_entries",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_target_at",
                table: "audit_entries",
                columns: new[] { "target", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_entity_ref",
                table: "catalog_entities",
                column: "entity_ref",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_filter_keys",
                table: "catalog_entities",
                column: "filter_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_kind_name_entity_ref",
                table: "catalog_entities",
                columns: new[] { "kind", "name", "entity_ref" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_kind_namespace_name",
                table: "catalog_entities",
                columns: new[] { "kind", "namespace", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_kind_type",
                table: "catalog_entities",
                columns: new[] { "kind", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_location_id",
                table: "catalog_entities",
                column: "location_id");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_name_trgm",
                table: "catalog_entities",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_owner",
                table: "catalog_entities",
                column: "owner");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_search_vector",
                table: "catalog_entities",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_system",
                table: "catalog_entities",
                column: "system");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_locations_type_target_branch_path",
                table: "catalog_locations",
                columns: new[] { "type", "target", "branch", "path" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_origin_ref",
                table: "catalog_relations",
                column: "origin_ref");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_source_ref_type",
                table: "catalog_relations",
                columns: new[] { "source_ref", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_target_ref_type",
                table: "catalog_relations",
                columns: new[] { "target_ref", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_allocation_rules_position",
                table: "cost_allocation_rules",
                column: "position");

            migrationBuilder.CreateIndex(
                name: "ix_cost_budget_alerts_budget_id_month_threshold_basis",
                table: "cost_budget_alerts",
                columns: new[] { "budget_id", "month", "threshold", "basis" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cost_budgets_team_component",
                table: "cost_budgets",
                columns: new[] { "team", "component" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_billing_account_id_billing_period_start",
                table: "cost_daily",
                columns: new[] { "billing_account_id", "billing_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_day",
                table: "cost_daily",
                column: "day");

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_team_day",
                table: "cost_daily",
                columns: new[] { "team", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_imports_imported_at",
                table: "cost_imports",
                column: "imported_at");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_billing_account_id_billing_period_start",
                table: "cost_line_items",
                columns: new[] { "billing_account_id", "billing_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_charge_period_start",
                table: "cost_line_items",
                column: "charge_period_start");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_component_charge_period_start",
                table: "cost_line_items",
                columns: new[] { "component", "charge_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_import_id",
                table: "cost_line_items",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_team_charge_period_start",
                table: "cost_line_items",
                columns: new[] { "team", "charge_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_environment_log_lines_run_id_id",
                table: "environment_log_lines",
                columns: new[] { "run_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_environment_policy_decisions_at",
                table: "environment_policy_decisions",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_environment_policy_versions_version",
                table: "environment_policy_versions",
                column: "version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_environment_runs_environment_id",
                table: "environment_runs",
                column: "environment_id");

            migrationBuilder.CreateIndex(
                name: "ix_environment_runs_status_heartbeat_at",
                table: "environment_runs",
                columns: new[] { "status", "heartbeat_at" });

            migrationBuilder.CreateIndex(
                name: "ix_environment_transitions_environment_id_at",
                table: "environment_transitions",
                columns: new[] { "environment_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_component_ref_status",
                table: "environments",
                columns: new[] { "component_ref", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_name",
                table: "environments",
                column: "name",
                unique: true,
                filter: "status NOT IN ('Deleted', 'Rejected', 'Cancelled')");

            migrationBuilder.CreateIndex(
                name: "ix_environments_owner_team_status",
                table: "environments",
                columns: new[] { "owner_team", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_requested_by_id",
                table: "environments",
                column: "requested_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_environments_status_expires_at",
                table: "environments",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_log_lines_task_id_id",
                table: "scaffolder_log_lines",
                columns: new[] { "task_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_created_at",
                table: "scaffolder_tasks",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_created_by_user_id",
                table: "scaffolder_tasks",
                column: "created_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_status",
                table: "scaffolder_tasks",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_slo_alerts_pending_at",
                table: "slo_alerts",
                column: "pending_at");

            migrationBuilder.CreateIndex(
                name: "ix_slo_alerts_slo_id_rule_state",
                table: "slo_alerts",
                columns: new[] { "slo_id", "rule", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_slo_counts_span_bucket",
                table: "slo_counts",
                columns: new[] { "span", "bucket" })
                .Annotation("Npgsql:IndexInclude", new[] { "slo_id", "good", "total", "good_slices", "slices" });

            migrationBuilder.CreateIndex(
                name: "ix_slo_definitions_component_ref_name",
                table: "slo_definitions",
                columns: new[] { "component_ref", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_slo_service_minutes_minute",
                table: "slo_service_minutes",
                column: "minute");

            migrationBuilder.CreateIndex(
                name: "ix_slo_telemetry_sources_component_ref",
                table: "slo_telemetry_sources",
                column: "component_ref");

            // What EF's model cannot declare, carried over by hand from the migrations this baseline replaces.

            // The audit log is append-only: the database itself refuses to change or remove entries.
            migrationBuilder.Sql(@"
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER audit_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();");

            // Expression indexes for the case-insensitive spec.type and spec.lifecycle filters. The INCLUDE lets a
            // count be an index-only scan: PostgreSQL only plans one when every column the query mentions is in the
            // index, even inside lower(). Tag and owner facets per kind read only the index.
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_lower_lifecycle ON catalog_entities (kind, lower(lifecycle)) INCLUDE (lifecycle);");
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_lower_type ON catalog_entities (kind, lower(type)) INCLUDE (type);");
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_facets ON catalog_entities (kind) INCLUDE (tags, owner);");

            // Columns added to existing tables got a default for the rows already there; a database created by the
            // earlier migrations has them, so this one has them too (the model sets every value itself).
            migrationBuilder.Sql("""
                ALTER TABLE catalog_entities ALTER COLUMN filter_keys SET DEFAULT ARRAY[]::text[], ALTER COLUMN trusted_for_identity SET DEFAULT false;
                ALTER TABLE catalog_locations ALTER COLUMN registrant_is_admin SET DEFAULT false, ALTER COLUMN registrant_teams SET DEFAULT ARRAY[]::text[],
                    ALTER COLUMN trusted_for_identity SET DEFAULT false;
                ALTER TABLE scaffolder_tasks ALTER COLUMN created_by_admin SET DEFAULT false, ALTER COLUMN created_by_teams SET DEFAULT ARRAY[]::text[];
                """);

            // Packed states are mostly hashes and numbers: compressing them costs each export more CPU than it saves.
            migrationBuilder.Sql("ALTER TABLE slo_stream_journal ALTER COLUMN states SET STORAGE EXTERNAL");

            // The catalog's version for CatalogSearchIndex: one row per transaction that ran a statement changing
            // catalog_entities (statement-level triggers, so bulk imports and COPY pay once per statement), and the
            // sum of the weights grows with every committed change. Folding many rows into one keeps the sum. A random
            // fingerprint per change: the sum alone comes back to an earlier value when the database is restored to an
            // earlier state and then changed again, and the search index would take the new state for the one it holds.
            migrationBuilder.Sql("""
                CREATE TABLE catalog_changes (
                    transaction_id xid8 PRIMARY KEY,
                    weight bigint NOT NULL DEFAULT 1,
                    fingerprint bigint NOT NULL DEFAULT floor(random() * 4503599627370496)::bigint);

                CREATE FUNCTION catalog_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (transaction_id) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER catalog_entities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog_entities
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_note_change();

                INSERT INTO catalog_changes (transaction_id) VALUES (pg_current_xact_id());
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER catalog_entities_changed ON catalog_entities;
                DROP FUNCTION catalog_note_change();
                DROP TABLE catalog_changes;
                DROP TRIGGER IF EXISTS audit_entries_no_update_or_delete ON audit_entries;
                DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;
                DROP FUNCTION IF EXISTS audit_entries_append_only();
                """);
            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "catalog_entities");

            migrationBuilder.DropTable(
                name: "catalog_locations");

            migrationBuilder.DropTable(
                name: "catalog_relations");

            migrationBuilder.DropTable(
                name: "cost_allocation_rules");

            migrationBuilder.DropTable(
                name: "cost_budget_alerts");

            migrationBuilder.DropTable(
                name: "cost_budgets");

            migrationBuilder.DropTable(
                name: "cost_daily");

            migrationBuilder.DropTable(
                name: "cost_line_items");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "environment_log_lines");

            migrationBuilder.DropTable(
                name: "environment_policy_decisions");

            migrationBuilder.DropTable(
                name: "environment_policy_versions");

            migrationBuilder.DropTable(
                name: "environment_transitions");

            migrationBuilder.DropTable(
                name: "portal_settings");

            migrationBuilder.DropTable(
                name: "scaffolder_log_lines");

            migrationBuilder.DropTable(
                name: "scaffolder_tasks");

            migrationBuilder.DropTable(
                name: "slo_alerts");

            migrationBuilder.DropTable(
                name: "slo_counts");

            migrationBuilder.DropTable(
                name: "slo_metric_streams");

            migrationBuilder.DropTable(
                name: "slo_service_minutes");

            migrationBuilder.DropTable(
                name: "slo_stream_journal");

            migrationBuilder.DropTable(
                name: "slo_telemetry_sources");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "cost_imports");

            migrationBuilder.DropTable(
                name: "environment_runs");

            migrationBuilder.DropTable(
                name: "slo_definitions");

            migrationBuilder.DropTable(
                name: "environments");
        }
    }
}
