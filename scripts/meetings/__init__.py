"""Publish the records of the Smart Cities Marketplace Action Cluster meetings.

The pipeline reads in one direction, one module per stage:

1. :mod:`meetings.load` reads the YAML files under ``clusters/``, in the strict
   dialect of :mod:`meetings.yamlstrict`; :mod:`meetings.locate` finds where
   each value is written, for messages;
2. :mod:`meetings.validate` checks them against :mod:`meetings.model`;
3. :mod:`meetings.catalog` arranges the valid records into one site;
4. :mod:`meetings.render` turns the catalog into Markdown pages;
5. :mod:`meetings.plugin` hands the pages to MkDocs.

:mod:`meetings.cli` offers the same stages on the command line. Both read
where the records are, and the site's addresses, from ``mkdocs.yml`` through
:class:`meetings.layout.Site`.
"""
