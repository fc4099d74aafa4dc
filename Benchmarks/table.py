"""Prints benchmark rows as a Markdown table."""


def print_table(header, rows):
    width = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print("| " + " | ".join(cell.ljust(width[i]) for i, cell in enumerate(header)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in width) + "|")
    for row in rows:
        print("| " + " | ".join(cell.ljust(width[i]) for i, cell in enumerate(row)) + " |")
