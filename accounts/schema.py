"""OpenAPI (drf-spectacular) descriptions of our authentication scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` — from POST /api/v1/auth/token/",
        }
