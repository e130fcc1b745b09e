"""The one NinjaAPI at /api/v1/, mounting each app's router."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from linli.accounts.api import router as accounts_router
from linli.appeals.api import router as appeals_router
from linli.care.api import router as care_router
from linli.core.api import router as imports_router
from linli.core.api_support import (
    SessionAuth,
    TokenAuth,
    declare_errors,
    install_error_handlers,
    signed_in_or_token,
)
from linli.orgs.api import router as orgs_router
from linli.people.api import router as people_router
from linli.regions.api import router as regions_router
from linli.reports.api import router as reports_router
from linli.visits.api import router as visits_router


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese left readable (no \\uXXXX escapes)."""

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="邻里守望 API",
    version="1.0.0",
    description="青海省“邻里守望”关爱行动平台接口。会话(页面登录)或个人访问令牌"
                "(Authorization: Bearer …)认证;错误统一为 {\"error\": {code, message, details}}。",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    docs_decorator=signed_in_or_token,
    renderer=ChineseJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/orgs", orgs_router)
api.add_router("/people", people_router)
api.add_router("/visits", visits_router)
api.add_router("/care", care_router)
api.add_router("/imports", imports_router)
api.add_router("/reports", reports_router)
api.add_router("/appeals", appeals_router)
declare_errors(api)
