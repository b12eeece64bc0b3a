"""OpenAPI schema additions: the error answers every operation may give
(``gongkai.api.exceptions``), so clients and schema-based tests know them."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "错误：detail 为说明（按界面语言），code 为机器可读的错误代码。",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
# Invalid input: the messages per field ({"field": ["…"]}), or an error as above.
INVALID = {"type": "object", "description": "输入有误：按字段列出的错误信息，或 detail/code。", "additionalProperties": True}

ANSWERS = {
    "400": ("输入有误", "Invalid"),
    "401": ("未提供或无效的密钥", "Error"),
    "403": ("无权执行此操作", "Error"),
    "404": ("不存在", "Error"),
    "405": ("不支持的请求方法", "Error"),
    "429": ("请求过于频繁", "Error"),
}
WRITE_ANSWERS = {"409": ("当前状态下不能执行此操作", "Error"), "413": ("请求内容过大", "Error")}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    components.setdefault("Invalid", INVALID)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = dict(ANSWERS)
            if method.lower() not in ("get", "head", "options"):
                answers.update(WRITE_ANSWERS)
            for code, (description, name) in answers.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                })
    return result
