"""The sandbox shop's Admin GraphQL endpoint and its bulk result files.

``POST /sandbox/shopify/<shop>/admin/api/<version>/graphql.json`` with ``X-Shopify-Access-Token``: a token that is
missing, expired, revoked or another shop's is a 401 ``{"errors": "[API] Invalid API key ..."}``. Every answer is
HTTP 200 with ``extensions.cost`` (the query's requested and actual cost and the shop's bucket); a query costing more
than the bucket holds is not run and answers ``errors[{"extensions": {"code": "THROTTLED"}}]``.
"""

import json
import re
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from graphql import GraphQLError, execute, parse, validate
from graphql.error import GraphQLSyntaxError

from platforms.constants import SHOPIFY
from sandbox.endpoint import api_endpoint
from sandbox.errors import Failure, SandboxError
from sandbox.models import ShopifyBulkOperation, ShopifyBulkStatus, ShopifyShop
from sandbox.shopify.cost import SINGLE_QUERY_MAX_COST, Throttle, bucket_refund, bucket_take, query_cost
from sandbox.shopify.nodes import BULK_RESULT_LIFETIME
from sandbox.shopify.schema import admin_schema

API_VERSION_PATTERN = re.compile(r"20\d\d-(01|04|07|10)|unstable")
MAX_BODY_BYTES = 256 * 1024
MAX_VARIABLES_BYTES = 64 * 1024
# A bulk result file is streamed this many bytes at a time.
RESULT_BLOCK_BYTES = 256 * 1024


def _answer(payload: dict[str, Any], *, requested: int, actual: int | None, throttle: Throttle) -> JsonResponse:
    cost = {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": throttle.as_extension()}
    extensions = {**payload.pop("extensions", {}), "cost": cost}
    return JsonResponse({**payload, "extensions": extensions})


def _errors(*errors: GraphQLError | dict[str, Any]) -> list[dict[str, Any]]:
    return [e.formatted if isinstance(e, GraphQLError) else e for e in errors]


def _request_body(request: HttpRequest) -> tuple[str, dict[str, Any], str | None]:
    if len(request.body) > MAX_BODY_BYTES:
        raise SandboxError(Failure.VALIDATION, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if request.content_type == "application/graphql":
        return request.body.decode(errors="replace"), {}, None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SandboxError(Failure.VALIDATION, "The request body is not valid JSON.") from exc
    if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
        raise SandboxError(Failure.VALIDATION, "Parameter Missing or Invalid: query")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict) or len(json.dumps(variables)) > MAX_VARIABLES_BYTES:
        raise SandboxError(Failure.VALIDATION, "Parameter Missing or Invalid: variables")
    name = body.get("operationName")
    return body["query"], variables, name if isinstance(name, str) and name else None


def _shop_for(request: HttpRequest, domain: str) -> ShopifyShop:
    shop = ShopifyShop.objects.filter(domain=domain).first()
    if shop is None or request.sandbox_token.account_id != shop.account_id:
        raise SandboxError(Failure.AUTH, "The access token is not valid for this shop.")
    return shop


@api_endpoint(SHOPIFY)
def graphql_endpoint(request: HttpRequest, shop: str, version: str) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"errors": "Not Found"}, status=404)
    if not API_VERSION_PATTERN.fullmatch(version):
        return JsonResponse({"errors": "Not Found"}, status=404)
    shop_row = _shop_for(request, shop)
    query, variables, operation_name = _request_body(request)
    schema = admin_schema()
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        _, idle = bucket_take(shop_id=shop_row.pk, cost=0)
        return _answer({"errors": _errors(error)}, requested=0, actual=0, throttle=idle)
    invalid = validate(schema, document)
    if invalid:
        _, idle = bucket_take(shop_id=shop_row.pk, cost=0)
        return _answer({"errors": _errors(*invalid)}, requested=0, actual=0, throttle=idle)
    requested = query_cost(schema, document, operation_name=operation_name, variables=variables)
    if requested > SINGLE_QUERY_MAX_COST:
        _, idle = bucket_take(shop_id=shop_row.pk, cost=0)
        error = {
            "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({SINGLE_QUERY_MAX_COST}). See https://shopify.dev/concepts/about-apis/rate-limits for more "
            "information on how the cost of a query is calculated. To query larger amounts of data with fewer "
            "limits, bulk operations should be used instead.",
            "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": SINGLE_QUERY_MAX_COST},
        }
        return _answer({"errors": [error]}, requested=requested, actual=None, throttle=idle)
    taken, throttle = bucket_take(shop_id=shop_row.pk, cost=requested)
    if not taken:
        error = {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/limits#rate-limits",
            },
        }
        return _answer({"errors": [error]}, requested=requested, actual=None, throttle=throttle)
    token = request.sandbox_token
    context = {
        "shop": shop_row,
        "app": token.app,
        "scopes": list(token.scopes),
        "bulk": False,
        "api_version": version,
        "search_warnings": [],
        "result_url": lambda operation: request.build_absolute_uri(
            reverse("sandbox:shopify-bulk-result", kwargs={"shop": shop_row.domain, "key": operation.download_key})
        ),
    }
    result = execute(schema, document, variable_values=variables, operation_name=operation_name, context_value=context)
    actual = query_cost(schema, document, operation_name=operation_name, variables=variables, data=result.data or {})
    actual = min(actual, requested)
    throttle = bucket_refund(shop_id=shop_row.pk, points=requested - actual)
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = _errors(*result.errors)
    if context["search_warnings"]:
        payload["extensions"] = {"search": context["search_warnings"]}
    return _answer(payload, requested=requested, actual=actual, throttle=throttle)


@require_GET
def bulk_result(request: HttpRequest, shop: str, key: str) -> HttpResponseBase:
    """The JSONL of a completed bulk operation, fetched without a token (a pre-signed link lasting seven days),
    streamed from its file a block at a time (or handed to the server's sendfile)."""
    operation = ShopifyBulkOperation.objects.filter(shop__domain=shop, download_key=key).first()
    if operation is None or operation.status != ShopifyBulkStatus.COMPLETED or operation.completed_at is None:
        raise Http404("No such result file.")
    if operation.completed_at + BULK_RESULT_LIFETIME <= timezone.now():
        return HttpResponse("Request has expired", status=403, content_type="text/plain")
    try:
        result = open(operation.result_path, "rb")  # noqa: SIM115 - FileResponse streams it and closes it
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404("No such result file.") from exc
    response = FileResponse(result, content_type="application/jsonl")
    response.block_size = RESULT_BLOCK_BYTES
    return response
