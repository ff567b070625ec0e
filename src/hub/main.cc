#include "hub/hub.h"

int main(int argc, char** argv) { return gw::hub::RunHubMain(argc, argv); }
