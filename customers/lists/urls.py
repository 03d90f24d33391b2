app_name = "customer_lists"
urlpatterns: list = []
