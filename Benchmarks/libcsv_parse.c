/* The floor for validate: libcsv alone, strict mode, parsing a file in 64 KiB chunks with
 * callbacks that only count. Built and run by validate_benchmark.py. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static size_t fields, rows;

static void on_field(void *data, size_t length, void *context) { (void)data; (void)length; (void)context; fields++; }
static void on_row(int terminator, void *context) { (void)terminator; (void)context; rows++; }

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 2; }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
    static char chunk[1 << 16];
    size_t count;
    while ((count = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (csv_parse(&parser, chunk, count, on_field, on_row, NULL) != count) {
            fprintf(stderr, "parse error: %s\n", csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    csv_fini(&parser, on_field, on_row, NULL);
    csv_free(&parser);
    printf("%zu rows, %zu fields\n", rows, fields);
    return 0;
}
