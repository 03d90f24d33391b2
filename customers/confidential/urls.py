app_name = "confidential"
urlpatterns: list = []
