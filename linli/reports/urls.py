from linli.reports.views import documents, measures, rounds

app_name = "reports"
urlpatterns = [*measures.urlpatterns, *rounds.urlpatterns, *documents.urlpatterns]
