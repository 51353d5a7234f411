"""The checks: figures against the rules, pages against the data, content safety, personal data,
bare numbers, review dates, the written site, links and the CI workflows. No Sphinx here."""
