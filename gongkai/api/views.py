from django.http import JsonResponse


def home(request):
    return JsonResponse({"schema": "/api/schema/"})
