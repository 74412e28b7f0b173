"""Full agency (全程代办, R-AGT-1 … R-AGT-6): the centre's team obtains every licence an investment project needs
and hands them over to the enterprise."""
