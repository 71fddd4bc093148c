"""Charts: the league, ratings over the years, one body's history and comparisons, as pictures.

``data`` works out what goes on a chart from the knowledge base; ``draw`` turns that into a PNG
(importing matplotlib only then); ``request`` reads "/chart ..." and chart questions in words.
"""
