## The product search (its Done key is setup-key-done)
search-label = Search
search-found = { $count } found
search-found-page = { $count } found · page { $page } of { $pages }
search-hint = Type part of a product's name or its SKU.
search-no-match = No product matches '{ $query }'
