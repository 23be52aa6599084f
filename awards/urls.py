from django.urls import path

from awards import views

app_name = "awards"
urlpatterns = [
    path("", views.program_list, name="programs"),
    path("vote/<str:signed>/", views.confirm, name="confirm"),
    path("<slug:program>/", views.program_detail, name="program"),
    path("<slug:program>/<slug:category>/", views.category_detail, name="category"),
    path("<slug:program>/<slug:category>/sent/", views.vote_sent, name="sent"),
    path("<slug:program>/<slug:category>/results/", views.results_page, name="results"),
    path("<slug:program>/<slug:category>/results.csv", views.results_csv, name="results_csv"),
]
