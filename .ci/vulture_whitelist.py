"""Names vulture cannot see used, each with who uses it. Read by vulture only (pyproject.toml [tool.vulture]).

Everything else vulture reports is dead and is removed. Framework hooks used by every Django project (Meta options,
admin options, command hooks …) are ignored by name in pyproject.toml instead.
"""

_ = object

# Read only from templates.
_.place_slug  # consultations/grid.html, review_list.html
_.source_note  # consultations/statistics.html
_.has_values  # consultations/trends.html
_.cells_with_missing  # consultations/ward_totals.html
_.current_display  # entry/grid.html, indicator.html, my_indicators.html
_.comment_errors  # entry/grid.html
_.approved_share  # entry/completeness.html
_.status_icon  # imports/includes/status.html
_.display_value  # ConfirmedBaseline: progress/includes/indicator_body.html
_.locked_at  # entry/fiscal_years.html, indicator.html
_.shows_grade  # progress/includes/printed_table.html, indicator_body.html
_.anchor  # progress/includes/printed_table.html
_.percent  # Preparation: progress/report_preparing.html
_.label  # ReportPage: progress/includes/report_pages.html
_.first_of_indicator  # progress/includes/printed_table.html
_.last_of_indicator  # progress/includes/printed_table.html
_.parts_count  # progress/includes/printed_table.html
_.confirmed_baseline  # progress/includes/printed_table.html
_.colspan  # progress/includes/printed_table.html
_.x  # ChartBar.x: progress/includes/chart.html

# Named in strings: form field names read from cleaned_data, filter methods, table sort keys, dict keys.
_.reopen_reason  # indicators/entry/views.py cleaned_data["reopen_reason"]
_.lock_comment  # indicators/entry/views.py cleaned_data["lock_comment"]
_.plan_item  # IndicatorFilter: a declared filter, the query parameter ?plan_item=
_.q  # IndicatorFilter: the free-text filter ?q=
_.keep  # IndicatorFilter: method="keep"
_.in_goal  # IndicatorFilter: method="in_goal"
_.in_measure  # IndicatorFilter: method="in_measure"
_.in_vision  # IndicatorFilter: method="in_vision"
_.grade_rank  # IndicatorTable: order_by=("grade_rank", "code"), annotated by filters.with_grade_columns
_.grade_achievement
_.grade_progress
_.grade_target
_.user_id  # PendingUpload: stored and compared as the cache entry's "user_id"
_.show  # DashboardViewForm: the query parameter ?show=, read through view_form.choice("show")
_.flagged_more  # DashboardRow: templates/progress/dashboard.html ("ほか…件")

# Model fields and choices: read by the admin, forms, fixtures and the database.
_.operation  # Agency.operation (運営形態): admin list, fixtures
_.caption  # StatTable.caption: fixtures, statistics page
_.MIXED  # Agency.Operation choices, stored values
_.ENTRUSTED
_.DIRECT
_.DESIGNATED
_.BLUE  # GradeLevel.Colour choices, stored values
_.GREEN
_.YELLOW
_.ORANGE
_.RED
_.is_staff  # User.is_staff, set by create_demo_users
_.created_at  # PlanRevision.created_at / created_by: who opened a revision, in the admin
_.created_by
_.target_revision  # Grade.target_revision: the revision whose target graded it, stored and listed in the admin
_.rank  # Grade.rank, Grade.missing_after: read by name in SQL (GradeQuerySet.as_of, the indicator list's order)
_.missing_after

# Public API without a caller yet.
_.fiscal_year_start  # the fiscal-year module's first and last day of a year (docs/architecture.md)
_.fiscal_year_end

# Framework protocols.
_.memo  # copy.deepcopy's argument of Dataset.__deepcopy__
_.instance_loader  # django-import-export Resource.import_row(row, instance_loader, **kwargs)
_.before_render  # django-tables2 Table.before_render(request), called by {% render_table %}
_.renderer  # Django Widget.render(name, value, attrs, renderer): BoundField passes it by name
_.diff  # django-import-export RowResult.diff, read by its preview
_.CACHE_LIFETIME  # django-import-export temporary storage
_.IndicatorsConfig  # AppConfig classes, found by Django through INSTALLED_APPS
_.MeasuresConfig
_.ConsultationsConfig
_.CoreConfig
_.AccountsConfig
_.OperationsConfig
_.HealthCheckMiddleware  # settings.MIDDLEWARE
_.server_error  # urls.handler500
_.handler500  # Django reads it from the root URLconf
_.current_app  # request.current_app: the admin's namespace, read by Django's reverse() in admin templates
_.LockoutHandler  # settings.AXES_HANDLER
_.lockout_response  # settings.AXES_LOCKOUT_CALLABLE
_.lockout_username  # settings.AXES_USERNAME_CALLABLE
_.original_response  # django-axes' lockout callable signature
_.axes_credentials  # django-axes reads it from the request
_.msg  # logging.LogRecord, rewritten by the request-log filter
_.exc_text
_.handle_starttag  # html.parser.HTMLParser hook (tests/test_content_security_policy.py, tests/test_odd_inputs.py)
_.handle_endtag  # html.parser.HTMLParser hook (tests/test_odd_inputs.py)
_.create_dataset  # django-import-export Format protocol: the admin's import reads files with it (importing/formats.py)
_.default_site  # django.contrib.admin's AppConfig: the admin site class (setagaya_plan/core/apps.py AdminConfig)
_.plan_period  # settings.TEMPLATES context processor (setagaya_plan/core/context_processors.py)
_.to_url  # path converter protocol: reverse() calls it (setagaya_plan/core/converters.py)
_.IntegerFieldIn  # registered on IntegerField by its decorator; Django looks it up as "in" (core/lookups.py)
_.RefuseNulMiddleware  # settings.MIDDLEWARE
_._messages  # django.contrib.messages' storage on a request built by RequestFactory (tests/test_fiscal_years.py)
_.prompt  # getpass.getpass(prompt) replaced in tests

# openpyxl cell and sheet settings (written, read by Excel).
_.font
_.alignment
_.border
_.paperSize
_.fitToWidth
_.fitToHeight
_.fitToPage
_.print_title_rows

# Django settings, read by Django and the libraries (a project setting unread by the code is dead and goes).
_.SECRET_KEY
_.CSRF_TRUSTED_ORIGINS
_.INSTALLED_APPS
_.MIDDLEWARE
_.ROOT_URLCONF
_.TEMPLATES
_.WSGI_APPLICATION
_.DATABASES
_.DEFAULT_AUTO_FIELD
_.AUTH_PASSWORD_VALIDATORS
_.LANGUAGE_CODE
_.LANGUAGES
_.TIME_ZONE
_.USE_I18N
_.USE_TZ
_.STATIC_URL
_.STATIC_ROOT
_.STATICFILES_DIRS
_.STORAGES
_.MEDIA_ROOT
_.CACHES
_.DATA_UPLOAD_MAX_MEMORY_SIZE
_.LOGIN_URL
_.LOGIN_REDIRECT_URL
_.LOGOUT_REDIRECT_URL
_.SESSION_COOKIE_SECURE
_.CSRF_COOKIE_SECURE
_.SECURE_CONTENT_TYPE_NOSNIFF
_.X_FRAME_OPTIONS
_.EMAIL_BACKEND
_.DEFAULT_FROM_EMAIL
_.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT  # django-import-export
_.DJANGO_TABLES2_TEMPLATE  # django-tables2
_.LOGGING
_.AUTHENTICATION_BACKENDS
_.SESSION_COOKIE_AGE
_.SESSION_SAVE_EVERY_REQUEST
_.SESSION_EXPIRE_AT_BROWSER_CLOSE
_.SECURE_PROXY_SSL_HEADER
_.SECURE_SSL_REDIRECT
_.SECURE_HSTS_SECONDS
_.SECURE_HSTS_INCLUDE_SUBDOMAINS
_.SECURE_HSTS_PRELOAD
_.SILENCED_SYSTEM_CHECKS
_.EMAIL_HOST
_.EMAIL_PORT
_.EMAIL_HOST_USER
_.EMAIL_HOST_PASSWORD
_.EMAIL_USE_TLS
_.AXES_HANDLER  # django-axes
_.AXES_LOCKOUT_PARAMETERS
_.AXES_USERNAME_CALLABLE
_.AXES_COOLOFF_TIME
_.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
_.AXES_RESET_ON_SUCCESS
_.AXES_LOCKOUT_CALLABLE
_.AXES_ENABLE_ACCESS_FAILURE_LOG
_.AXES_IPWARE_META_PRECEDENCE_ORDER
_.AXES_IPWARE_PROXY_ORDER
_.AXES_IPWARE_PROXY_COUNT
_.IPWARE_STRICT
_.PASSWORD_HASHERS  # tests/conftest.py: the fast hasher
_.use_bulk  # import-export's Meta option: no savepoint per row (indicators/importing/resources.py)

# pytest fixtures requested for what they set up, not for their value.
_.db
_.transactional_db
_.plan_loaded
_.demo_users
_.taishido
_.exported_counts
_.emails
_.in_february_2025
_.plan_with_history
_.staff_user
