app_name = "merge"
urlpatterns: list = []
