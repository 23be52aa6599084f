from .pages import ArticleAuthor, ArticleIndexPage, ArticlePage, ArticleTag, HomePage, RelatedArticle
from .snippets import Author, Category

__all__ = [
    "ArticleAuthor",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticleTag",
    "Author",
    "Category",
    "HomePage",
    "RelatedArticle",
]
