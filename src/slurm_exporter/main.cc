#include "slurm_exporter/exporter.h"

int main(int argc, char** argv) { return gw::slurm_exporter::RunExporterMain(argc, argv); }
