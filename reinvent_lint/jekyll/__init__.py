"""Everything reinvent-lint knows about Jekyll and kramdown, in one package.

The rules and the pipeline use this package through these modules, and nothing outside it
encodes a Jekyll or kramdown behaviour (each behaviour is checked against a real Jekyll build in
`tests/test_jekyll_model.py`, `tests/test_kramdown_ids.py` and `tests/test_links_jekyll.py`):

- `facts`: Jekyll's rules as data (post file names, dates, slugify, permalink styles, GitHub
  Pages defaults, core and plugin Liquid tags), each citing the Jekyll source it follows.
- `site`: the site on disk (`Site`, `find_root`): config, `source`, `exclude`/`include`, posts,
  drafts, includes, layouts, tag folders, platform.
- `urls`: each post's and page's fate and output URL (`site_urls`, `output_path`), and why a
  `{% link %}` or `{% post_url %}` fails (`link_problem`, `post_url_problem`).
- `front_matter`: the front-matter block as Jekyll splits it, and its YAML with positions.
- `liquid`: Liquid tags and blocks in a post, include parameters, plugin block bodies.
- `kramdown_ids`: heading ids and fragment targets as kramdown-parser-gfm builds them.
- `references`: every link, image, include and Liquid reference a post makes, with offsets.
- `local_paths`: where a local path lands on the built site, and which assets a build step or
  a remote theme provides.

A second generator (Hugo, Eleventy) would be a sibling package offering the same functions.
Nothing is imported here, so importing one module does not load the others.
"""
