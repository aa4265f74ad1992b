"""Benchmark reference: the minimal Starlette app (parse the JSON body, return {}) the mock is measured against."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def endpoint(request: Request) -> JSONResponse:
    if request.method == "POST":
        await request.json()
    return JSONResponse({})


app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])
