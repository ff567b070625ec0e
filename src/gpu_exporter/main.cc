#include "gpu_exporter/exporter.h"

int main(int argc, char** argv) { return gw::gpu_exporter::RunExporterMain(argc, argv); }
