// Debian's libcsv (package libcsv-dev): the C parser behind CSVReading.
#include <csv.h>
