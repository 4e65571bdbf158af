"""Several QIF populations with synaptic filtering (a circuit): model, fixed points, linear response, Hopf
continuation, the P-population network and the stochastic mass model (theory/THEORY.md section 9)."""
